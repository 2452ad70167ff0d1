import { ENTERPRISE_USER_SCHEMA } from "./enterprise-user";
import { GROUP_SCHEMA } from "./group";
import type { ResourceTypeDef } from "./types";
import { USER_SCHEMA } from "./user";

/** The User resource type: core User plus the optional Enterprise User extension. RFC 7643 §6, §8.6. */
export const USER_RESOURCE_TYPE: ResourceTypeDef = {
	id: "User",
	name: "User",
	endpoint: "/Users",
	description: "User Account",
	schema: USER_SCHEMA,
	schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
};

/** The Group resource type. RFC 7643 §6, §8.6. */
export const GROUP_RESOURCE_TYPE: ResourceTypeDef = {
	id: "Group",
	name: "Group",
	endpoint: "/Groups",
	description: "Group",
	schema: GROUP_SCHEMA,
	schemaExtensions: [],
};

/** Every resource type this service provider supports, in /ResourceTypes order. RFC 7644 §4. */
export const RESOURCE_TYPES: readonly ResourceTypeDef[] = [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE];
