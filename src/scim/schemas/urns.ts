/** URN of the core User schema. RFC 7643 §4.1 and §8.7.1. */
export const SCHEMA_USER = "urn:ietf:params:scim:schemas:core:2.0:User";

/** URN of the Enterprise User extension. RFC 7643 §4.3 and §8.7.1. */
export const SCHEMA_ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** URN of the core Group schema. RFC 7643 §4.2 and §8.7.1. */
export const SCHEMA_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** URN of the Service Provider Configuration schema. RFC 7643 §5 and §8.7.2. */
export const SCHEMA_SERVICE_PROVIDER_CONFIG =
	"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/** URN of the Resource Type schema. RFC 7643 §6 and §8.7.2. */
export const SCHEMA_RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

/** URN of the Schema schema, the type of every /Schemas entry. RFC 7643 §7 and §8.7.2. */
export const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/** URN of the ListResponse message. RFC 7644 §3.4.2. */
export const MESSAGE_LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/** URN of the PatchOp message. RFC 7644 §3.5.2. */
export const MESSAGE_PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** URN of the SearchRequest message (POST /.search). RFC 7644 §3.4.3. */
export const MESSAGE_SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/** URN of the BulkRequest message. RFC 7644 §3.7. */
export const MESSAGE_BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

/** URN of the BulkResponse message. RFC 7644 §3.7. */
export const MESSAGE_BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

/** URN of the Error message, defined beside `ScimError`. RFC 7644 §3.12. */
export { MESSAGE_ERROR } from "../errors";
