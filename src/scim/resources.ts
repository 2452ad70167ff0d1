import { versionTag } from "./etag";
import { isObject, type ScimObject } from "./json";
import { COMMON_ATTRIBUTES } from "./schemas/common";
import { findAttribute, findExtension } from "./schemas/lookup";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "./schemas/resource-types";
import type { ResourceTypeDef } from "./schemas/types";

/**
 * A resource as the storage layer keeps it: the attributes the client provisioned (the `resource`
 * of `normalizeUserInput`/`normalizeGroupInput`, plus server-computed `groups`/`members`) and the
 * server-assigned `id` and metadata. RFC 7643 §3.1.
 */
export interface StoredResource {
	id: string;
	resource: ScimObject;
	created: Date | string;
	lastModified: Date | string;
	/** Bumped on every change; published as the weak ETag `W/"<version>"`. */
	version: number | string;
}

/** The `meta` attribute of a User or Group. RFC 7643 §3.1. */
export interface ResourceMeta {
	resourceType: string;
	created: string;
	lastModified: string;
	location: string;
	version: string;
}

/** Options shared by the resource builders: the base URL `meta.location` is built on. RFC 7643 §3.1. */
export interface ResourceOptions {
	/** The SCIM base URL without a trailing slash, e.g. `https://scim.example.com/scim/v2`. */
	baseUrl: string;
}

/** Builds the full SCIM User from its stored form: schemas, id, attributes, meta; never the password. RFC 7643 §4.1, §3.1. */
export function userResource(stored: StoredResource, options: ResourceOptions): ScimObject {
	const resource = toScimResource(USER_RESOURCE_TYPE, stored, options);
	const groups = resource.groups;
	if (Array.isArray(groups)) {
		resource.groups = groups.map((group) => withRef(group, `${options.baseUrl}/Groups`));
	}
	return resource;
}

/** Builds the full SCIM Group from its stored form; members get a `$ref` to their User. RFC 7643 §4.2, §3.1. */
export function groupResource(stored: StoredResource, options: ResourceOptions): ScimObject {
	const resource = toScimResource(GROUP_RESOURCE_TYPE, stored, options);
	const members = resource.members;
	if (Array.isArray(members)) {
		// Members of a team group are always SCIM Users of the same team (docs/architecture.md).
		resource.members = members.map((member) => withRef(member, `${options.baseUrl}/Users`));
	}
	return resource;
}

function toScimResource(
	resourceType: ResourceTypeDef,
	stored: StoredResource,
	options: ResourceOptions,
): ScimObject {
	const schemas = [resourceType.schema.id];
	const output: ScimObject = { schemas, id: stored.id };
	const externalId = stored.resource.externalId;
	if (typeof externalId === "string") {
		output.externalId = externalId;
	}
	const extensions: ScimObject = {};
	for (const [key, value] of Object.entries(stored.resource)) {
		const extension = findExtension(resourceType, key);
		if (extension !== undefined) {
			const compacted = compact(value);
			if (isObject(compacted) && Object.keys(compacted).length > 0) {
				schemas.push(extension.id);
				extensions[extension.id] = compacted;
			}
			continue;
		}
		const attribute = findAttribute(resourceType.schema.attributes, key);
		// The common attributes are placed above and below; server-owned and never-returned ones
		// (id, meta, password) are rebuilt or dropped whatever the stored object holds.
		if (
			attribute === undefined ||
			attribute.returned === "never" ||
			COMMON_ATTRIBUTES.includes(attribute)
		) {
			continue;
		}
		const compacted = compact(value);
		if (compacted !== undefined) {
			output[attribute.name] = compacted;
		}
	}
	Object.assign(output, extensions);
	const meta: ResourceMeta = {
		resourceType: resourceType.name,
		created: toIsoString(stored.created),
		lastModified: toIsoString(stored.lastModified),
		location: `${options.baseUrl}${resourceType.endpoint}/${stored.id}`,
		version: versionTag(stored.version),
	};
	output.meta = meta;
	return output;
}

function withRef(value: unknown, collection: string): unknown {
	if (!isObject(value) || typeof value.value !== "string" || typeof value.$ref === "string") {
		return value;
	}
	return { value: value.value, $ref: `${collection}/${value.value}`, ...value };
}

/** Drops nulls, empty arrays and empty objects, recursively: Entra asks for no nulls on the wire. */
function compact(value: unknown): unknown {
	if (value === null || value === undefined) {
		return undefined;
	}
	if (Array.isArray(value)) {
		const items = value.map(compact).filter((item) => item !== undefined);
		return items.length > 0 ? items : undefined;
	}
	if (isObject(value)) {
		const entries = Object.entries(value)
			.map(([key, item]) => [key, compact(item)] as const)
			.filter(([, item]) => item !== undefined);
		return entries.length > 0 ? Object.fromEntries(entries) : undefined;
	}
	return value;
}

function toIsoString(value: Date | string): string {
	return value instanceof Date ? value.toISOString() : value;
}
