import { type ListResponse, listResponse } from "./list";
import { ENTERPRISE_USER_SCHEMA } from "./schemas/enterprise-user";
import { GROUP_SCHEMA } from "./schemas/group";
import { RESOURCE_TYPES } from "./schemas/resource-types";
import type { AttributeDef, ResourceTypeDef, SchemaDef } from "./schemas/types";
import {
	SCHEMA_RESOURCE_TYPE,
	SCHEMA_SCHEMA,
	SCHEMA_SERVICE_PROVIDER_CONFIG,
} from "./schemas/urns";
import { USER_SCHEMA } from "./schemas/user";

/** What the discovery documents must tell clients about this deployment. RFC 7643 §5. */
export interface DiscoveryConfig {
	/** The SCIM base URL without a trailing slash, e.g. `https://scim.example.com/scim/v2`. */
	baseUrl: string;
	/** The most resources one list or search response returns (`filter.maxResults`). */
	maxResults: number;
	/**
	 * The largest request body accepted. SCIM has no field for it; while bulk is unsupported it is
	 * published as `bulk.maxPayloadSize`, the one size RFC 7643 §5 defines, so that no client that
	 * reads it is told a smaller or larger number than the truth.
	 */
	maxPayloadBytes: number;
	bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
	etag: boolean;
	sort: boolean;
	changePassword: false;
	documentationUri?: string;
}

/** The `meta` of a discovery resource. RFC 7644 §4. */
export interface DiscoveryMeta {
	resourceType: "ServiceProviderConfig" | "ResourceType" | "Schema";
	location: string;
}

/** The /ServiceProviderConfig document. RFC 7643 §5. */
export interface ServiceProviderConfig {
	schemas: [typeof SCHEMA_SERVICE_PROVIDER_CONFIG];
	documentationUri?: string;
	patch: { supported: boolean };
	bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
	filter: { supported: boolean; maxResults: number };
	changePassword: { supported: boolean };
	sort: { supported: boolean };
	etag: { supported: boolean };
	authenticationSchemes: {
		type: string;
		name: string;
		description: string;
		specUri?: string;
		documentationUri?: string;
		primary?: boolean;
	}[];
	meta: DiscoveryMeta;
}

/** A /ResourceTypes entry. RFC 7643 §6. */
export interface ResourceTypeResource {
	schemas: [typeof SCHEMA_RESOURCE_TYPE];
	id: string;
	name: string;
	endpoint: string;
	description: string;
	schema: string;
	schemaExtensions: { schema: string; required: boolean }[];
	meta: DiscoveryMeta;
}

/** A /Schemas entry. RFC 7643 §7. */
export interface SchemaResource {
	schemas: [typeof SCHEMA_SCHEMA];
	id: string;
	name: string;
	description: string;
	attributes: AttributeDef[];
	meta: DiscoveryMeta;
}

/** The schemas /Schemas publishes, in order. RFC 7643 §8.7.1. */
export const PUBLISHED_SCHEMAS: readonly SchemaDef[] = [
	USER_SCHEMA,
	ENTERPRISE_USER_SCHEMA,
	GROUP_SCHEMA,
];

/**
 * Builds the /ServiceProviderConfig document from what this deployment really supports.
 * RFC 7643 §5, RFC 7644 §4.
 */
export function serviceProviderConfig(config: DiscoveryConfig): ServiceProviderConfig {
	const document: ServiceProviderConfig = {
		schemas: [SCHEMA_SERVICE_PROVIDER_CONFIG],
		patch: { supported: true },
		bulk: {
			supported: config.bulk.supported,
			maxOperations: config.bulk.supported ? config.bulk.maxOperations : 0,
			maxPayloadSize: config.bulk.supported ? config.bulk.maxPayloadSize : config.maxPayloadBytes,
		},
		filter: { supported: true, maxResults: config.maxResults },
		changePassword: { supported: config.changePassword },
		sort: { supported: config.sort },
		etag: { supported: config.etag },
		authenticationSchemes: [
			{
				type: "oauthbearertoken",
				name: "OAuth Bearer Token",
				description: "SCIM API key as a bearer token",
				specUri: "https://www.rfc-editor.org/info/rfc6750",
				primary: true,
			},
		],
		meta: {
			resourceType: "ServiceProviderConfig",
			location: `${config.baseUrl}/ServiceProviderConfig`,
		},
	};
	if (config.documentationUri !== undefined) {
		return { ...document, documentationUri: config.documentationUri };
	}
	return document;
}

/** Builds one /ResourceTypes entry. RFC 7643 §6. */
export function resourceTypeResource(
	resourceType: ResourceTypeDef,
	config: Pick<DiscoveryConfig, "baseUrl">,
): ResourceTypeResource {
	return {
		schemas: [SCHEMA_RESOURCE_TYPE],
		id: resourceType.id,
		name: resourceType.name,
		endpoint: resourceType.endpoint,
		description: resourceType.description,
		schema: resourceType.schema.id,
		schemaExtensions: resourceType.schemaExtensions.map(({ schema, required }) => ({
			schema: schema.id,
			required,
		})),
		meta: {
			resourceType: "ResourceType",
			location: `${config.baseUrl}/ResourceTypes/${resourceType.id}`,
		},
	};
}

/** Builds the /ResourceTypes ListResponse. RFC 7644 §4. */
export function resourceTypesList(
	config: Pick<DiscoveryConfig, "baseUrl">,
): ListResponse<ResourceTypeResource> {
	const resources = RESOURCE_TYPES.map((resourceType) =>
		resourceTypeResource(resourceType, config),
	);
	return listResponse(resources, { totalResults: resources.length, startIndex: 1 });
}

/**
 * Finds the /ResourceTypes/{id} entry (id matched case-insensitively); `undefined` answers 404.
 * RFC 7644 §4.
 */
export function findResourceTypeResource(
	id: string,
	config: Pick<DiscoveryConfig, "baseUrl">,
): ResourceTypeResource | undefined {
	const resourceType = RESOURCE_TYPES.find((type) => type.id.toLowerCase() === id.toLowerCase());
	return resourceType === undefined ? undefined : resourceTypeResource(resourceType, config);
}

/** Builds one /Schemas entry, a deep copy so callers cannot change the definitions. RFC 7643 §7. */
export function schemaResource(
	schema: SchemaDef,
	config: Pick<DiscoveryConfig, "baseUrl">,
): SchemaResource {
	return {
		schemas: [SCHEMA_SCHEMA],
		id: schema.id,
		name: schema.name,
		description: schema.description,
		attributes: structuredClone(schema.attributes),
		meta: { resourceType: "Schema", location: `${config.baseUrl}/Schemas/${schema.id}` },
	};
}

/** Builds the /Schemas ListResponse. RFC 7644 §4. */
export function schemasList(
	config: Pick<DiscoveryConfig, "baseUrl">,
): ListResponse<SchemaResource> {
	const resources = PUBLISHED_SCHEMAS.map((schema) => schemaResource(schema, config));
	return listResponse(resources, { totalResults: resources.length, startIndex: 1 });
}

/**
 * Finds the /Schemas/{urn} entry (URN matched case-insensitively); `undefined` answers 404.
 * RFC 7644 §4.
 */
export function findSchemaResource(
	id: string,
	config: Pick<DiscoveryConfig, "baseUrl">,
): SchemaResource | undefined {
	const schema = PUBLISHED_SCHEMAS.find(
		(candidate) => candidate.id.toLowerCase() === id.toLowerCase(),
	);
	return schema === undefined ? undefined : schemaResource(schema, config);
}
