import { describe, expect, it } from "vitest";
import {
	type DiscoveryConfig,
	findResourceTypeResource,
	findSchemaResource,
	resourceTypesList,
	schemasList,
	serviceProviderConfig,
} from "../../../src/scim/discovery";
import { GROUP_SCHEMA } from "../../../src/scim/schemas/group";
import type { AttributeDef } from "../../../src/scim/schemas/types";
import {
	MESSAGE_LIST_RESPONSE,
	SCHEMA_ENTERPRISE_USER,
	SCHEMA_GROUP,
	SCHEMA_RESOURCE_TYPE,
	SCHEMA_SCHEMA,
	SCHEMA_SERVICE_PROVIDER_CONFIG,
	SCHEMA_USER,
} from "../../../src/scim/schemas/urns";
import { USER_SCHEMA } from "../../../src/scim/schemas/user";

const BASE_URL = "https://scim.example.com/scim/v2";

const config: DiscoveryConfig = {
	baseUrl: BASE_URL,
	maxResults: 200,
	maxPayloadBytes: 1_048_576,
	bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
	etag: true,
	sort: true,
	changePassword: false,
};

function findNull(value: unknown, path = "$"): string | undefined {
	if (value === null) {
		return path;
	}
	if (typeof value === "object") {
		for (const [key, item] of Object.entries(value)) {
			const found = findNull(item, `${path}.${key}`);
			if (found !== undefined) {
				return found;
			}
		}
	}
	return undefined;
}

function attributeNames(attributes: AttributeDef[]): string[] {
	return attributes.map((attribute) => attribute.name);
}

describe("GET /ServiceProviderConfig", () => {
	it("describes what this deployment supports", () => {
		expect(serviceProviderConfig(config)).toEqual({
			schemas: [SCHEMA_SERVICE_PROVIDER_CONFIG],
			patch: { supported: true },
			bulk: { supported: false, maxOperations: 0, maxPayloadSize: 1_048_576 },
			filter: { supported: true, maxResults: 200 },
			changePassword: { supported: false },
			sort: { supported: true },
			etag: { supported: true },
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
				location: `${BASE_URL}/ServiceProviderConfig`,
			},
		});
	});

	it("publishes documentationUri only when one is configured", () => {
		expect(serviceProviderConfig(config)).not.toHaveProperty("documentationUri");
		expect(
			serviceProviderConfig({ ...config, documentationUri: "https://docs.example.com/scim" }),
		).toMatchObject({ documentationUri: "https://docs.example.com/scim" });
	});

	it.each([
		[{ supported: true, maxOperations: 100, maxPayloadSize: 1000 }, true, 100, 1000],
		// Without bulk, maxPayloadSize still tells the request body limit (maxPayloadBytes).
		[{ supported: false, maxOperations: 100, maxPayloadSize: 1000 }, false, 0, 1_048_576],
	])("reports bulk %j as supported=%s", (bulk, supported, maxOperations, maxPayloadSize) => {
		expect(serviceProviderConfig({ ...config, bulk }).bulk).toEqual({
			supported,
			maxOperations,
			maxPayloadSize,
		});
	});

	it.each([
		[{ etag: false, sort: false }, false, false],
		[{ etag: true, sort: false }, true, false],
	])("reports etag and sort from the config %j", (flags, etag, sort) => {
		const document = serviceProviderConfig({ ...config, ...flags });
		expect(document.etag).toEqual({ supported: etag });
		expect(document.sort).toEqual({ supported: sort });
	});
});

describe("GET /ResourceTypes", () => {
	it("lists User (with the optional enterprise extension) and Group", () => {
		expect(resourceTypesList(config)).toEqual({
			schemas: [MESSAGE_LIST_RESPONSE],
			totalResults: 2,
			itemsPerPage: 2,
			startIndex: 1,
			Resources: [
				{
					schemas: [SCHEMA_RESOURCE_TYPE],
					id: "User",
					name: "User",
					endpoint: "/Users",
					description: "User Account",
					schema: SCHEMA_USER,
					schemaExtensions: [{ schema: SCHEMA_ENTERPRISE_USER, required: false }],
					meta: { resourceType: "ResourceType", location: `${BASE_URL}/ResourceTypes/User` },
				},
				{
					schemas: [SCHEMA_RESOURCE_TYPE],
					id: "Group",
					name: "Group",
					endpoint: "/Groups",
					description: "Group",
					schema: SCHEMA_GROUP,
					schemaExtensions: [],
					meta: { resourceType: "ResourceType", location: `${BASE_URL}/ResourceTypes/Group` },
				},
			],
		});
	});

	it.each([
		["User", "User"],
		["group", "Group"],
		["Nope", undefined],
	])("GET /ResourceTypes/%s finds %s", (id, expected) => {
		expect(findResourceTypeResource(id, config)?.id).toBe(expected);
	});
});

describe("GET /Schemas", () => {
	it("lists core User, Enterprise User and Group, each with meta", () => {
		const list = schemasList(config);
		expect(list).toMatchObject({
			schemas: [MESSAGE_LIST_RESPONSE],
			totalResults: 3,
			startIndex: 1,
		});
		expect(list.Resources.map((schema) => [schema.id, schema.name, schema.meta])).toEqual(
			[
				[SCHEMA_USER, "User"],
				[SCHEMA_ENTERPRISE_USER, "EnterpriseUser"],
				[SCHEMA_GROUP, "Group"],
			].map(([id, name]) => [
				id,
				name,
				{ resourceType: "Schema", location: `${BASE_URL}/Schemas/${id}` },
			]),
		);
		for (const schema of list.Resources) {
			expect(schema.schemas).toEqual([SCHEMA_SCHEMA]);
		}
	});

	it.each([
		[SCHEMA_USER, SCHEMA_USER],
		[SCHEMA_ENTERPRISE_USER.toLowerCase(), SCHEMA_ENTERPRISE_USER],
		["urn:ietf:params:scim:schemas:extension:enterprise:2.0User", undefined],
	])("GET /Schemas/%s finds %s", (id, expected) => {
		expect(findSchemaResource(id, config)?.id).toBe(expected);
	});

	it("returns copies, so a caller cannot alter the definitions", () => {
		const schema = findSchemaResource(SCHEMA_USER, config);
		schema?.attributes.pop();
		expect(findSchemaResource(SCHEMA_USER, config)?.attributes).toHaveLength(
			USER_SCHEMA.attributes.length,
		);
	});

	it("defines the common attributes, then every core User attribute of RFC 7643 §4.1 in order", () => {
		expect(attributeNames(USER_SCHEMA.attributes)).toEqual([
			"id",
			"externalId",
			"meta",
			"userName",
			"name",
			"displayName",
			"nickName",
			"profileUrl",
			"title",
			"userType",
			"preferredLanguage",
			"locale",
			"timezone",
			"active",
			"password",
			"emails",
			"phoneNumbers",
			"ims",
			"photos",
			"addresses",
			"groups",
			"entitlements",
			"roles",
			"x509Certificates",
		]);
	});

	it.each([
		["userName", { required: true, uniqueness: "server", caseExact: false }],
		["password", { mutability: "writeOnly", returned: "never", caseExact: true }],
		["groups", { mutability: "readOnly", multiValued: true, type: "complex" }],
		["profileUrl", { type: "reference", referenceTypes: ["external"] }],
		["active", { type: "boolean" }],
	])("marks User %s as the RFC does", (name, characteristics) => {
		expect(USER_SCHEMA.attributes.find((attribute) => attribute.name === name)).toMatchObject(
			characteristics,
		);
	});

	it("defines name, enterprise manager and Group members sub-attributes", () => {
		const list = schemasList(config).Resources;
		const sub = (schemaId: string, attribute: string) =>
			list
				.find((schema) => schema.id === schemaId)
				?.attributes.find((item) => item.name === attribute)?.subAttributes;
		expect(attributeNames(sub(SCHEMA_USER, "name") ?? [])).toEqual([
			"formatted",
			"familyName",
			"givenName",
			"middleName",
			"honorificPrefix",
			"honorificSuffix",
		]);
		expect(attributeNames(sub(SCHEMA_ENTERPRISE_USER, "manager") ?? [])).toEqual([
			"value",
			"$ref",
			"displayName",
		]);
		expect(sub(SCHEMA_GROUP, "members")).toEqual([
			expect.objectContaining({ name: "value", mutability: "immutable" }),
			expect.objectContaining({ name: "$ref", type: "reference" }),
			expect.objectContaining({ name: "type", canonicalValues: ["User", "Group"] }),
			expect.objectContaining({ name: "display", mutability: "readOnly" }),
		]);
	});

	it.each([
		["id", { caseExact: true, mutability: "readOnly", returned: "always", uniqueness: "server" }],
		["externalId", { caseExact: true, mutability: "readWrite", returned: "default" }],
		["meta", { type: "complex", mutability: "readOnly" }],
	])("includes the common attribute %s in both core schemas (RFC 7643 §3.1)", (name, traits) => {
		for (const schema of [USER_SCHEMA, GROUP_SCHEMA]) {
			expect(schema.attributes.find((attribute) => attribute.name === name)).toMatchObject(traits);
		}
	});

	it("defines Group's displayName and members after the common attributes", () => {
		expect(attributeNames(GROUP_SCHEMA.attributes)).toEqual([
			"id",
			"externalId",
			"meta",
			"displayName",
			"members",
		]);
	});

	it("publishes Group displayName as unique, since the service enforces it", () => {
		expect(GROUP_SCHEMA.attributes[3]).toMatchObject({
			name: "displayName",
			required: true,
			uniqueness: "server",
		});
	});
});

describe("discovery documents", () => {
	// Entra: "Do not send nulls; values in camelCase" (docs/idp-notes.md "Microsoft Entra ID", schema discovery).
	it.each([
		["ServiceProviderConfig", serviceProviderConfig({ ...config, documentationUri: "x" })],
		["ResourceTypes", resourceTypesList(config)],
		["Schemas", schemasList(config)],
	])("%s contains no null and survives a JSON round trip", (_name, document) => {
		expect(findNull(document)).toBeUndefined();
		expect(JSON.parse(JSON.stringify(document))).toEqual(document);
	});
});
