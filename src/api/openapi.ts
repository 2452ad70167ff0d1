/**
 * The OpenAPI 3.1 description of the service API (/api/v1), served at GET /api/v1/openapi.json
 * without a token (it describes the API; it holds nothing secret). Written by hand next to the
 * routes in service-api.ts; test/integration/openapi.test.ts checks that every registered route is
 * documented here and that every path and method documented here is registered.
 */

export interface JsonSchema {
	type?: "object" | "array" | "string" | "integer" | "boolean" | ["string", "null"];
	description?: string;
	format?: string;
	enum?: readonly (string | null)[];
	properties?: Record<string, JsonSchema>;
	required?: readonly string[];
	items?: JsonSchema;
	minimum?: number;
	maximum?: number;
	pattern?: string;
	minLength?: number;
	maxLength?: number;
	maxItems?: number;
	default?: unknown;
	const?: unknown;
	examples?: readonly unknown[];
	$ref?: string;
}

interface MediaType {
	schema: JsonSchema;
}

interface Response {
	description: string;
	content?: { "application/json": MediaType };
	$ref?: string;
}

interface Operation {
	summary: string;
	description?: string;
	operationId: string;
	security?: Record<string, string[]>[];
	parameters?: { $ref: string }[];
	requestBody?: { required: true; content: { "application/json": MediaType } };
	responses: Record<string, Response | { $ref: string }>;
}

export type HttpMethod = "get" | "put" | "post" | "delete";

export interface OpenApiDocument {
	openapi: "3.1.0";
	info: { title: string; version: string; description: string };
	servers: { url: string }[];
	security: Record<string, string[]>[];
	paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
	components: {
		securitySchemes: Record<string, { type: "http"; scheme: "bearer"; description: string }>;
		parameters: Record<
			string,
			{ name: string; in: "path"; required: true; schema: JsonSchema; description: string }
		>;
		schemas: Record<string, JsonSchema>;
		responses: Record<string, Response>;
	};
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const nullableString = (description: string, format?: string): JsonSchema => ({
	type: ["string", "null"],
	description,
	...(format ? { format } : {}),
});

function body(schema: JsonSchema) {
	return { required: true as const, content: { "application/json": { schema } } };
}

function ok(description: string, schema: JsonSchema): Response {
	return { description, content: { "application/json": { schema } } };
}

/** The shared error responses, by status; 401 always (every route but the document needs the token). */
function errors(...statuses: (400 | 403 | 404 | 409 | 413)[]) {
	const names = {
		400: "BadRequest",
		403: "Forbidden",
		404: "NotFound",
		409: "Conflict",
		413: "PayloadTooLarge",
	} as const;
	const out: Record<string, { $ref: string }> = {
		"401": { $ref: "#/components/responses/Unauthorized" },
	};
	for (const status of statuses) {
		out[String(status)] = {
			$ref: `#/components/responses/${names[status]}`,
		};
	}
	return out;
}

const NO_CONTENT = { "204": { description: "Done; no body." } };

const team: JsonSchema = {
	type: "object",
	required: [
		"id",
		"name",
		"scimEnabled",
		"scimUserCount",
		"scimGroupCount",
		"createdAt",
		"updatedAt",
	],
	properties: {
		id: { type: "string", format: "uuid" },
		name: { type: "string" },
		scimEnabled: { type: "boolean" },
		scimUserCount: { type: "integer", description: "SCIM Users the team has" },
		scimGroupCount: { type: "integer", description: "SCIM Groups the team has" },
		createdAt: { type: "string", format: "date-time" },
		updatedAt: { type: "string", format: "date-time" },
	},
};

const teamWithSso: JsonSchema = {
	type: "object",
	required: [...(team.required ?? []), "ssoMethods"],
	properties: {
		...team.properties,
		ssoMethods: { type: "array", items: { type: "string" }, description: "Sorted, lower case." },
	},
};

const scimKey: JsonSchema = {
	type: "object",
	required: ["id", "name", "status", "createdAt"],
	properties: {
		id: {
			type: "string",
			pattern: "^[0-9a-f]{24}$",
			description: "The key id, also the middle part of its token (`scim_<id>_<secret>`).",
		},
		name: { type: "string" },
		status: {
			type: "string",
			enum: ["active", "expiring", "expired", "revoked"],
			description:
				"`expiring`: works until expiresAt, either inside the grace period after a regeneration or because it was created with an expiry.",
		},
		createdAt: { type: "string", format: "date-time" },
		lastUsedAt: nullableString("Last SCIM request made with the key.", "date-time"),
		lastUserAgent: nullableString("User-Agent of that request."),
		expiresAt: nullableString("When the key stops working, if it does.", "date-time"),
		revokedAt: nullableString("When the key was revoked.", "date-time"),
		replacedByKeyId: nullableString("The key that replaced this one on regeneration."),
	},
};

const newScimKey: JsonSchema = {
	type: "object",
	required: [...(scimKey.required ?? []), "token"],
	properties: {
		...scimKey.properties,
		token: {
			type: "string",
			description: "The key's secret, shown this once: only its hash is kept.",
		},
	},
};

const domains: JsonSchema = {
	type: "object",
	required: ["domains"],
	properties: {
		domains: {
			type: "array",
			items: { type: "string", examples: ["bigcorp.com"] },
			description: "The team's email domains, lower case.",
		},
	},
};

const errorBody: JsonSchema = {
	type: "object",
	required: ["error"],
	properties: {
		error: {
			type: "object",
			required: ["code", "message"],
			properties: {
				code: {
					type: "string",
					description:
						"snake_case. The status name (`bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`, `payload_too_large`, `internal_error`), or a more precise reason taken from the SCIM scimTypes (`invalid_syntax`: the body is not JSON; `invalid_value`: a field is missing or wrong; `uniqueness`).",
					examples: ["invalid_value", "not_found", "conflict"],
				},
				message: { type: "string", description: "What went wrong and what to do, in English." },
			},
		},
	},
};

const errorResponse = (description: string): Response => ok(description, ref("Error"));

export const openApiDocument: OpenApiDocument = {
	openapi: "3.1.0",
	info: {
		title: "scim-edge service API",
		version: "1",
		description:
			"How the rest of the product, and operators, manage teams, SSO, SCIM and SCIM keys, and ask whether a person may sign in. JSON in and out. Every request but this document needs `Authorization: Bearer <SERVICE_TOKEN>`.",
	},
	servers: [{ url: "/api/v1" }],
	security: [{ serviceToken: [] }],
	paths: {
		"/openapi.json": {
			get: {
				summary: "This document",
				operationId: "getOpenApi",
				security: [],
				responses: { "200": ok("The OpenAPI 3.1 document.", { type: "object" }) },
			},
		},
		"/teams": {
			post: {
				summary: "Create a team (SCIM off, no SSO method)",
				operationId: "createTeam",
				requestBody: body({
					type: "object",
					required: ["name"],
					properties: { name: { type: "string", minLength: 1, maxLength: 200 } },
				}),
				responses: { "201": ok("The new team.", ref("TeamWithSso")), ...errors(400, 413) },
			},
		},
		"/teams/{teamId}": {
			get: {
				summary: "Read a team",
				operationId: "getTeam",
				parameters: [param("teamId")],
				responses: {
					"200": ok("The team.", {
						type: "object",
						required: [...(teamWithSso.required ?? []), "scimPrecondition", "scimWarning"],
						properties: {
							...teamWithSso.properties,
							scimPrecondition: nullableString(
								"Why SCIM cannot be turned on, or given new keys, now: SCIM needs exactly one SSO method. `null` when the team meets that precondition, whether SCIM is on or off.",
							),
							scimWarning: nullableString(
								"While SCIM is on but the SSO setup no longer meets the precondition: what still works (existing keys, so deprovisioning goes on) and what does not (new keys). `null` otherwise.",
							),
						},
					}),
					...errors(404),
				},
			},
		},
		"/teams/{teamId}/sso": {
			put: {
				summary: "Replace the team's SSO methods",
				operationId: "setSsoMethods",
				parameters: [param("teamId")],
				requestBody: body({
					type: "object",
					required: ["methods"],
					properties: {
						methods: {
							type: "array",
							maxItems: 20,
							items: { type: "string", minLength: 1, maxLength: 50, examples: ["saml"] },
						},
					},
				}),
				responses: {
					"200": ok("The methods now configured, sorted and deduplicated.", {
						type: "object",
						required: ["methods"],
						properties: { methods: { type: "array", items: { type: "string" } } },
					}),
					...errors(400, 404, 413),
				},
			},
		},
		"/teams/{teamId}/scim": {
			put: {
				summary: "Turn SCIM on or off",
				description: "Turning it on needs exactly one SSO method (409 otherwise).",
				operationId: "setScimEnabled",
				parameters: [param("teamId")],
				requestBody: body({
					type: "object",
					required: ["enabled"],
					properties: { enabled: { type: "boolean" } },
				}),
				responses: { "200": ok("The team.", ref("Team")), ...errors(400, 404, 409, 413) },
			},
		},
		"/teams/{teamId}/domains": {
			get: {
				summary: "List the team's email domains",
				operationId: "getDomains",
				parameters: [param("teamId")],
				responses: { "200": ok("The domains.", ref("Domains")), ...errors(404) },
			},
			put: {
				summary: "Replace the team's email domains",
				operationId: "setDomains",
				parameters: [param("teamId")],
				requestBody: body(ref("Domains")),
				responses: {
					"200": ok("The domains now set.", ref("Domains")),
					...errors(400, 404, 413),
					"409": errorResponse("A domain is verified by another team."),
				},
			},
		},
		"/teams/{teamId}/scim-keys": {
			get: {
				summary: "List the team's SCIM keys (never their secrets)",
				operationId: "listScimKeys",
				parameters: [param("teamId")],
				responses: {
					"200": ok("The keys.", {
						type: "object",
						required: ["keys"],
						properties: { keys: { type: "array", items: ref("ScimKey") } },
					}),
					...errors(404),
				},
			},
			post: {
				summary: "Generate a SCIM key",
				description: "Needs SCIM on and exactly one SSO method (409 otherwise).",
				operationId: "createScimKey",
				parameters: [param("teamId")],
				requestBody: body({
					type: "object",
					required: ["name"],
					properties: {
						name: { type: "string", minLength: 1, maxLength: 100 },
						expiresAt: {
							type: "string",
							format: "date-time",
							description: "Optional: when the key stops working (in the future).",
						},
					},
				}),
				responses: {
					"201": ok("The key, with its secret.", ref("NewScimKey")),
					...errors(400, 404, 409, 413),
				},
			},
		},
		"/teams/{teamId}/scim-keys/{keyId}": {
			delete: {
				summary: "Revoke a SCIM key at once",
				operationId: "revokeScimKey",
				parameters: [param("teamId"), param("keyId")],
				responses: { ...NO_CONTENT, ...errors(404) },
			},
		},
		"/teams/{teamId}/scim-keys/{keyId}/regenerate": {
			post: {
				summary: "Replace a SCIM key with a new one of the same name",
				description:
					"The old key keeps working for graceSeconds (0, the default, stops it at once) while the IdP is switched over. 409 for a revoked or expired key.",
				operationId: "regenerateScimKey",
				parameters: [param("teamId"), param("keyId")],
				requestBody: body({
					type: "object",
					properties: {
						graceSeconds: { type: "integer", minimum: 0, maximum: 86400, default: 0 },
					},
				}),
				responses: {
					"201": ok("The new key, with its secret.", ref("NewScimKey")),
					...errors(400, 404, 409, 413),
				},
			},
		},
		"/teams/{teamId}/members": {
			get: {
				summary: "List the team's members",
				operationId: "listMembers",
				parameters: [param("teamId")],
				responses: {
					"200": ok("The members, oldest first.", {
						type: "object",
						required: ["members"],
						properties: {
							members: {
								type: "array",
								items: {
									type: "object",
									required: ["accountId", "email", "role", "joinedAt", "managed", "joinedByInvite"],
									properties: {
										accountId: { type: "string" },
										email: { type: "string", format: "email" },
										givenName: nullableString("Given name."),
										familyName: nullableString("Family name."),
										role: { type: "string", enum: ["admin", "developer"] },
										joinedAt: {
											type: "string",
											format: "date-time",
											description:
												"When the person first joined the team; a reactivation keeps it.",
										},
										memberSince: {
											type: "string",
											format: "date-time",
											description:
												"When the current membership began: later than joinedAt after a reactivation.",
										},
										managed: {
											type: "boolean",
											description:
												"This team manages the account (its verified domain, or its SCIM created it and no other team has it): it may block it everywhere and writes its email and name.",
										},
										joinedByInvite: {
											type: "boolean",
											description: "The person joined by accepting an invite.",
										},
									},
								},
							},
						},
					}),
					...errors(404),
				},
			},
		},
		"/teams/{teamId}/members/{accountId}": {
			delete: {
				summary: "Remove a member from the team",
				operationId: "removeMember",
				parameters: [param("teamId"), param("accountId")],
				responses: { ...NO_CONTENT, ...errors(404) },
			},
		},
		"/teams/{teamId}/members/{accountId}/leave": {
			post: {
				summary: "The member leaves the team (403 while the team is SCIM-managed)",
				operationId: "leaveTeam",
				parameters: [param("teamId"), param("accountId")],
				responses: { ...NO_CONTENT, ...errors(403, 404) },
			},
		},
		"/teams/{teamId}/members/{accountId}/email": {
			put: {
				summary: "Change a member's email (403 while the team is SCIM-managed)",
				operationId: "changeEmail",
				parameters: [param("teamId"), param("accountId")],
				requestBody: body(ref("EmailBody")),
				responses: {
					"200": ok("The new email.", {
						type: "object",
						required: ["accountId", "email"],
						properties: { accountId: { type: "string" }, email: { type: "string" } },
					}),
					...errors(400, 403, 404, 409, 413),
				},
			},
		},
		"/teams/{teamId}/members/{accountId}/password": {
			post: {
				summary: "May this member change their password? (403 while the team is SCIM-managed)",
				operationId: "checkPasswordChange",
				parameters: [param("teamId"), param("accountId")],
				responses: {
					"200": ok("Allowed.", {
						type: "object",
						required: ["allowed"],
						properties: { allowed: { type: "boolean", const: true } },
					}),
					...errors(403, 404),
				},
			},
		},
		"/teams/{teamId}/invites": {
			get: {
				summary: "List the team's invites",
				operationId: "listInvites",
				parameters: [param("teamId")],
				responses: {
					"200": ok("The invites.", {
						type: "object",
						required: ["invites"],
						properties: {
							invites: {
								type: "array",
								items: {
									type: "object",
									required: ["id", "email", "status", "createdAt", "expiresAt"],
									properties: {
										id: { type: "string" },
										email: { type: "string", format: "email" },
										accountId: nullableString("The account the invite is for, once known."),
										scimUserId: nullableString("The SCIM user that caused the invite."),
										status: { type: "string", enum: ["pending", "accepted", "revoked", "expired"] },
										createdAt: { type: "string", format: "date-time" },
										expiresAt: { type: "string", format: "date-time" },
										acceptedAt: nullableString("When it was accepted.", "date-time"),
										revokedAt: nullableString("When it was revoked.", "date-time"),
										emailStatus: {
											type: ["string", "null"],
											enum: ["pending", "delivered", "failed", "cancelled", "throttled", null],
											description:
												"The newest invite email's status; `throttled`: the recipient already got the day's invite emails (INVITE_EMAILS_PER_DAY), so it was not sent.",
										},
									},
								},
							},
						},
					}),
					...errors(404),
				},
			},
		},
		"/teams/{teamId}/admins": {
			post: {
				summary: "Make a person an admin of the team (creating the account if needed)",
				operationId: "addAdmin",
				parameters: [param("teamId")],
				requestBody: body(ref("EmailBody")),
				responses: {
					"201": ok("The admin.", {
						type: "object",
						required: ["accountId", "email", "role"],
						properties: {
							accountId: { type: "string" },
							email: { type: "string" },
							role: { type: "string", enum: ["admin"] },
						},
					}),
					...errors(400, 404, 413),
				},
			},
		},
		"/admin-login-links": {
			post: {
				summary: "A single-use, 15-minute login link to a team's admin page",
				description:
					"For a team admin, on deployments without Cloudflare Access (409 where Access is on).",
				operationId: "createAdminLoginLink",
				requestBody: body({
					type: "object",
					required: ["teamId", "email"],
					properties: {
						teamId: { type: "string", minLength: 1 },
						email: { type: "string", minLength: 1, maxLength: 320 },
					},
				}),
				responses: {
					"201": ok("The link.", {
						type: "object",
						required: ["url", "expiresAt", "teamId", "accountId"],
						properties: {
							url: { type: "string", format: "uri" },
							expiresAt: { type: "string", format: "date-time" },
							teamId: { type: "string" },
							accountId: { type: "string" },
						},
					}),
					...errors(400, 403, 404, 409, 413),
				},
			},
		},
		"/auth/check": {
			post: {
				summary: "May this person sign in to this team now?",
				description:
					"Reflects membership, SCIM deactivation and blocks. `allowed` is true only with reason `member`.",
				operationId: "checkAuth",
				requestBody: body({
					type: "object",
					required: ["teamId", "email"],
					properties: {
						teamId: { type: "string", minLength: 1 },
						email: { type: "string", minLength: 1, maxLength: 320 },
					},
				}),
				responses: {
					"200": ok("The answer.", {
						type: "object",
						required: ["allowed", "reason"],
						properties: {
							allowed: { type: "boolean" },
							reason: {
								type: "string",
								enum: [
									"no_account",
									"not_a_member",
									"blocked_by_team",
									"blocked_by_managing_team",
									"member",
								],
								description:
									"`no_account`: no account has this email. `not_a_member`: the account is not in the team. `blocked_by_team`: the team blocked it (SCIM deactivation). `blocked_by_managing_team`: the team that manages the account through SCIM blocked it. `member`: allowed.",
							},
							accountId: { type: "string", description: "Absent with `no_account`." },
							role: {
								type: "string",
								enum: ["admin", "developer"],
								description: "Only with `member`.",
							},
						},
					}),
					...errors(400, 404, 413),
				},
			},
		},
	},
	components: {
		securitySchemes: {
			serviceToken: {
				type: "http",
				scheme: "bearer",
				description: "The deployment's SERVICE_TOKEN secret (.dev.vars locally).",
			},
		},
		parameters: {
			teamId: {
				name: "teamId",
				in: "path",
				required: true,
				schema: { type: "string" },
				description: "The team's id.",
			},
			keyId: {
				name: "keyId",
				in: "path",
				required: true,
				schema: { type: "string" },
				description: "The SCIM key's id.",
			},
			accountId: {
				name: "accountId",
				in: "path",
				required: true,
				schema: { type: "string" },
				description: "The member's account id.",
			},
		},
		schemas: {
			Team: team,
			TeamWithSso: teamWithSso,
			ScimKey: scimKey,
			NewScimKey: newScimKey,
			Domains: domains,
			EmailBody: {
				type: "object",
				required: ["email"],
				properties: { email: { type: "string", format: "email", maxLength: 320 } },
			},
			Error: errorBody,
		},
		responses: {
			BadRequest: errorResponse(
				"The body is not JSON (`invalid_syntax`) or a field is wrong (`invalid_value`).",
			),
			Unauthorized: errorResponse("Missing or wrong service token (`unauthorized`)."),
			Forbidden: errorResponse("Not allowed, with the reason (`forbidden`)."),
			NotFound: errorResponse("No such team, key or member (`not_found`)."),
			Conflict: errorResponse("The team's state does not allow it, with the reason (`conflict`)."),
			PayloadTooLarge: errorResponse("The body is too large (`payload_too_large`)."),
		},
	},
};
