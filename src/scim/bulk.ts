import { ScimError, type ScimErrorData, scimErrors } from "./errors";
import { versionTag } from "./etag";
import { type NormalizedUser, normalizeGroupInput, normalizeUserInput } from "./normalize";
import type { PatchOperation } from "./patch";
import { err, ok, type Result } from "./result";
import { patchRequestSchema, zodToScimError } from "./schemas/messages";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "./schemas/resource-types";
import { MESSAGE_BULK_REQUEST, MESSAGE_BULK_RESPONSE } from "./schemas/urns";

/** The methods a bulk operation may use. RFC 7644 §3.7. */
export type BulkMethod = "POST" | "PUT" | "PATCH" | "DELETE";

/** The resource types reachable through /Bulk. */
export type BulkResourceType = "User" | "Group";

/** The limits advertised in /ServiceProviderConfig `bulk` and enforced on every request. RFC 7643 §5. */
export interface BulkLimits {
	maxOperations: number;
	maxPayloadSize: number;
}

/** One operation of a BulkRequest as sent, after the envelope checks. RFC 7644 §3.7. */
export interface BulkOperation {
	/** Position in the request's `Operations`, from 0. */
	index: number;
	/** As sent (upper-cased when it is a string), for the response. */
	method: string;
	bulkId?: string;
	/** The `version` (an ETag), used as If-Match. */
	version?: string;
	path?: string;
	data?: unknown;
	/** Why this operation cannot run, found before anything ran (a bad method or path). */
	invalid?: ScimErrorData;
}

/** A parsed BulkRequest. RFC 7644 §3.7. */
export interface BulkRequest {
	/** Stop after this many failed operations; absent means run every operation. */
	failOnErrors?: number;
	operations: BulkOperation[];
}

/** A bulk operation ready to run: ids resolved, data normalised. RFC 7644 §3.7. */
export type PreparedBulkOperation =
	| { kind: "createUser"; user: NormalizedUser }
	| { kind: "replaceUser"; id: string; user: NormalizedUser; ifMatch: string | null }
	| { kind: "patchUser"; id: string; operations: PatchOperation[]; ifMatch: string | null }
	| { kind: "deleteUser"; id: string; ifMatch: string | null }
	| { kind: "createGroup"; resource: Record<string, unknown> }
	| { kind: "replaceGroup"; id: string; resource: Record<string, unknown>; ifMatch: string | null }
	| { kind: "patchGroup"; id: string; operations: PatchOperation[]; ifMatch: string | null }
	| { kind: "deleteGroup"; id: string; ifMatch: string | null };

/** One step of a bulk plan: run the operation at `index`, or fail it with `error`. */
export interface BulkStep {
	index: number;
	error?: ScimErrorData;
}

/** What one operation did, as the Durable Object reports it. RFC 7644 §3.7.3. */
export interface BulkOperationResult {
	index: number;
	/** The HTTP status the same request would have had on its own. */
	status: number;
	resourceType?: BulkResourceType;
	id?: string;
	version?: number;
	error?: ScimErrorData;
}

/** One entry of a BulkResponse's `Operations`. RFC 7644 §3.7. */
export interface BulkResponseOperation {
	location?: string;
	method: string;
	bulkId?: string;
	version?: string;
	/** The HTTP status code, as a string. */
	status: string;
	response?: unknown;
}

/** A BulkResponse body. RFC 7644 §3.7. */
export interface BulkResponse {
	schemas: [typeof MESSAGE_BULK_RESPONSE];
	Operations: BulkResponseOperation[];
}

const METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const BULK_ID_PREFIX = "bulkId:";

/**
 * Checks a BulkRequest envelope: `schemas`, `failOnErrors`, and `Operations` (at most
 * `maxOperations`, else 413 as RFC 7644 §3.7.4 says). A malformed operation does not fail the
 * request: it is marked `invalid` and answered in its place, as the RFC has the provider carry on.
 * Two POSTs with the same bulkId make every reference ambiguous, so they fail the request.
 * RFC 7644 §3.7, §3.7.3, §3.7.4.
 * @example parseBulkRequest(body, { maxOperations: 1000, maxPayloadSize: 1048576 })
 */
export function parseBulkRequest(body: unknown, limits: BulkLimits): Result<BulkRequest> {
	if (!isObject(body)) {
		return err(scimErrors.invalidSyntax("The request body must be a BulkRequest object.").toData());
	}
	const schemas = field(body, "schemas");
	if (
		!Array.isArray(schemas) ||
		!schemas.some(
			(s) => typeof s === "string" && s.toLowerCase() === MESSAGE_BULK_REQUEST.toLowerCase(),
		)
	) {
		return err(scimErrors.invalidSyntax(`"schemas" must list "${MESSAGE_BULK_REQUEST}".`).toData());
	}
	const failOnErrors = field(body, "failOnErrors");
	if (
		failOnErrors !== undefined &&
		failOnErrors !== null &&
		!(Number.isInteger(failOnErrors) && (failOnErrors as number) >= 1)
	) {
		return err(
			scimErrors.invalidValue('"failOnErrors" must be an integer of at least 1.').toData(),
		);
	}
	const operations = field(body, "Operations");
	if (!Array.isArray(operations)) {
		return err(scimErrors.invalidSyntax('"Operations" must be an array of operations.').toData());
	}
	if (operations.length > limits.maxOperations) {
		return err(
			scimErrors
				.payloadTooLarge(
					`The bulk request has ${operations.length} operations; maxOperations is ${limits.maxOperations}.`,
				)
				.toData(),
		);
	}
	const parsed = operations.map(parseOperation);
	const seen = new Set<string>();
	for (const op of parsed) {
		if (op.bulkId !== undefined && op.invalid === undefined) {
			if (seen.has(op.bulkId)) {
				return err(
					scimErrors
						.invalidValue(`bulkId "${op.bulkId}" is used by more than one operation.`)
						.toData(),
				);
			}
			seen.add(op.bulkId);
		}
	}
	return ok({
		...(typeof failOnErrors === "number" ? { failOnErrors } : {}),
		operations: parsed,
	});
}

function parseOperation(raw: unknown, index: number): BulkOperation {
	if (!isObject(raw)) {
		return {
			index,
			method: "",
			invalid: scimErrors.invalidSyntax(`Operations[${index}] must be an object.`).toData(),
		};
	}
	const rawMethod = field(raw, "method");
	const method = typeof rawMethod === "string" ? rawMethod.toUpperCase() : "";
	const op: BulkOperation = { index, method };
	const bulkId = field(raw, "bulkId");
	if (typeof bulkId === "string" && bulkId !== "") {
		op.bulkId = bulkId;
	}
	const version = field(raw, "version");
	if (typeof version === "string" && version !== "") {
		op.version = version;
	}
	const path = field(raw, "path");
	if (typeof path === "string") {
		op.path = path;
	}
	const data = field(raw, "data");
	if (data !== undefined && data !== null) {
		op.data = data;
	}
	if (!METHODS.has(method)) {
		op.invalid = scimErrors
			.invalidValue(
				`Operations[${index}].method must be POST, PUT, PATCH or DELETE, not ${JSON.stringify(rawMethod ?? null)}.`,
			)
			.toData();
	} else if (op.path === undefined) {
		op.invalid = scimErrors.invalidValue(`Operations[${index}].path is required.`).toData();
	} else if (method !== "DELETE" && op.data === undefined) {
		op.invalid = scimErrors
			.invalidValue(`Operations[${index}].data is required for ${method}.`)
			.toData();
	} else {
		const target = parseBulkPath(op.path);
		if (!target.ok) {
			op.invalid = target.error;
		} else if ((method === "POST") !== (target.value.id === undefined)) {
			op.invalid = scimErrors
				.invalidValue(
					method === "POST"
						? `POST goes to "/${target.value.resourceType}s", not "${op.path}".`
						: `${method} needs a resource id in its path: "/${target.value.resourceType}s/{id}".`,
				)
				.toData();
		}
	}
	return op;
}

/**
 * The resource type and id (possibly `bulkId:…`) a bulk operation's `path` names: `/Users`,
 * `/Users/{id}`, `/Groups`, `/Groups/{id}`. RFC 7644 §3.7.
 */
export function parseBulkPath(
	path: string,
): Result<{ resourceType: BulkResourceType; id?: string }> {
	const match = /^\/?(Users|Groups)(?:\/([^/?#]+))?\/?$/i.exec(path.trim());
	if (!match) {
		return err(
			scimErrors
				.invalidPath(
					`"${path}" is not a bulk path: use /Users, /Users/{id}, /Groups or /Groups/{id}.`,
				)
				.toData(),
		);
	}
	const resourceType = match[1]?.toLowerCase() === "users" ? "User" : "Group";
	const id = match[2] === undefined ? undefined : safeDecode(match[2]);
	return ok(id === undefined ? { resourceType } : { resourceType, id });
}

/** The bulkIds a value refers to: every string `bulkId:<id>` in it, in order, once each. RFC 7644 §3.7.2. */
export function bulkIdReferences(value: unknown): string[] {
	const found = new Set<string>();
	const visit = (item: unknown): void => {
		if (typeof item === "string") {
			if (item.startsWith(BULK_ID_PREFIX) && item.length > BULK_ID_PREFIX.length) {
				found.add(item.slice(BULK_ID_PREFIX.length));
			}
		} else if (Array.isArray(item)) {
			item.forEach(visit);
		} else if (isObject(item)) {
			Object.values(item).forEach(visit);
		}
	};
	visit(value);
	return [...found];
}

/** The bulkIds an operation refers to, in its path and its data. RFC 7644 §3.7.2. */
export function operationReferences(op: BulkOperation): string[] {
	return [...new Set([...pathReference(op.path), ...bulkIdReferences(op.data)])];
}

function pathReference(path: string | undefined): string[] {
	const target = path === undefined ? undefined : parseBulkPath(path);
	const id = target?.ok ? target.value.id : undefined;
	return id?.startsWith(BULK_ID_PREFIX) ? [id.slice(BULK_ID_PREFIX.length)] : [];
}

/**
 * Replaces every `bulkId:<id>` string in a value with the id the operation carrying that bulkId
 * created. A reference to a bulkId that has no id yet (its operation failed) is a 409, the status
 * RFC 7644 §3.7.1 gives to cross-references the provider cannot resolve. RFC 7644 §3.7.2.
 * @example resolveBulkIds({ value: "bulkId:qwerty" }, new Map([["qwerty", "92b7"]])) // { value: "92b7" }
 */
export function resolveBulkIds(value: unknown, ids: ReadonlyMap<string, string>): Result<unknown> {
	const missing = bulkIdReferences(value).filter((id) => !ids.has(id));
	if (missing.length > 0) {
		return err(
			scimErrors
				.conflict(
					`bulkId ${missing.map((id) => `"${id}"`).join(", ")} could not be resolved: the operation that creates it failed.`,
				)
				.toData(),
		);
	}
	const replace = (item: unknown): unknown => {
		if (typeof item === "string") {
			return item.startsWith(BULK_ID_PREFIX)
				? (ids.get(item.slice(BULK_ID_PREFIX.length)) ?? item)
				: item;
		}
		if (Array.isArray(item)) {
			return item.map(replace);
		}
		if (isObject(item)) {
			// Only values are replaced; keys are copied as own properties, so "__proto__" stays inert.
			return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, replace(v)]));
		}
		return item;
	};
	return ok(replace(value));
}

/**
 * The order to run a bulk request in: request order, except that an operation waits for the
 * POSTs whose bulkIds it refers to. A reference to a bulkId no POST defines is a 400; operations
 * caught in a circular reference (a group that is its own member through bulkIds) are a 409, as
 * RFC 7644 §3.7.1 allows instead of resolving them: members must be Users here, so a real cycle
 * cannot be built. Invalid operations fail in their own place. RFC 7644 §3.7.1, §3.7.2.
 */
export function planBulk(operations: readonly BulkOperation[]): BulkStep[] {
	const definedBy = new Map<string, number>();
	for (const op of operations) {
		if (op.bulkId !== undefined && op.method === "POST" && op.invalid === undefined) {
			definedBy.set(op.bulkId, op.index);
		}
	}
	const steps: BulkStep[] = [];
	const waitingOn = new Map<number, Set<number>>();
	for (const op of operations) {
		if (op.invalid !== undefined) {
			continue;
		}
		const references = operationReferences(op);
		const unknown = references.filter((id) => !definedBy.has(id));
		if (unknown.length > 0) {
			waitingOn.set(op.index, new Set());
			continue;
		}
		waitingOn.set(op.index, new Set(references.map((id) => definedBy.get(id) as number)));
	}
	const done = new Set<number>();
	const pending = operations.map((op) => op.index);
	let progressed = true;
	while (progressed) {
		progressed = false;
		for (const index of pending) {
			if (done.has(index)) {
				continue;
			}
			const waits = waitingOn.get(index);
			if (waits === undefined || [...waits].every((w) => done.has(w))) {
				done.add(index);
				steps.push(stepFor(operations[index] as BulkOperation, definedBy));
				progressed = true;
				// Restart from the lowest index so request order wins whenever it can.
				break;
			}
		}
	}
	for (const index of pending) {
		if (!done.has(index)) {
			steps.push({
				index,
				error: scimErrors
					.conflict(
						`Operations[${index}] is part of, or waits on, a circular bulkId reference (${operationReferences(
							operations[index] as BulkOperation,
						)
							.map((id) => `"${id}"`)
							.join(", ")}), which this service does not resolve.`,
					)
					.toData(),
			});
		}
	}
	return steps;
}

function stepFor(op: BulkOperation, definedBy: ReadonlyMap<string, number>): BulkStep {
	if (op.invalid !== undefined) {
		return { index: op.index, error: op.invalid };
	}
	const unknown = operationReferences(op).filter((id) => !definedBy.has(id));
	if (unknown.length > 0) {
		return {
			index: op.index,
			error: scimErrors
				.invalidValue(
					`No POST operation in this request has bulkId ${unknown.map((id) => `"${id}"`).join(", ")}.`,
				)
				.toData(),
		};
	}
	return { index: op.index };
}

/**
 * Turns a planned, valid bulk operation into the write to run: bulkIds resolved with `ids`, the
 * body normalised exactly as the single-resource endpoint would. RFC 7644 §3.7.
 */
export function prepareBulkOperation(
	op: BulkOperation,
	ids: ReadonlyMap<string, string>,
): Result<PreparedBulkOperation> {
	if (op.path === undefined) {
		return err(scimErrors.invalidValue(`Operations[${op.index}].path is required.`).toData());
	}
	const target = parseBulkPath(op.path);
	if (!target.ok) {
		return target;
	}
	const resolved = resolveBulkIds({ id: target.value.id ?? null, data: op.data ?? null }, ids);
	if (!resolved.ok) {
		return resolved;
	}
	const { id, data } = resolved.value as { id: string | null; data: unknown };
	const ifMatch = op.version ?? null;
	const user = target.value.resourceType === "User";
	switch (op.method) {
		case "POST": {
			if (user) {
				const input = normalizeUserInput(data, USER_RESOURCE_TYPE);
				return input.ok ? ok({ kind: "createUser", user: input.value }) : input;
			}
			const input = normalizeGroupInput(data, GROUP_RESOURCE_TYPE);
			return input.ok ? ok({ kind: "createGroup", resource: input.value.resource }) : input;
		}
		case "PUT": {
			if (user) {
				const input = normalizeUserInput(data, USER_RESOURCE_TYPE);
				return input.ok
					? ok({ kind: "replaceUser", id: id as string, user: input.value, ifMatch })
					: input;
			}
			const input = normalizeGroupInput(data, GROUP_RESOURCE_TYPE);
			return input.ok
				? ok({ kind: "replaceGroup", id: id as string, resource: input.value.resource, ifMatch })
				: input;
		}
		case "PATCH": {
			const parsed = patchRequestSchema.safeParse(data);
			if (!parsed.success) {
				return err(zodToScimError(parsed.error).toData());
			}
			return ok({
				kind: user ? "patchUser" : "patchGroup",
				id: id as string,
				operations: parsed.data.Operations,
				ifMatch,
			});
		}
		default:
			return ok({ kind: user ? "deleteUser" : "deleteGroup", id: id as string, ifMatch });
	}
}

/**
 * The BulkResponse for a run: one entry per operation that ran (or failed), in request order,
 * with `location` and `version` where a resource is known and the SCIM Error as `response` for
 * every failure. RFC 7644 §3.7.3.
 */
export function bulkResponse(
	operations: readonly BulkOperation[],
	results: readonly BulkOperationResult[],
	baseUrl: string,
): BulkResponse {
	const byIndex = new Map(results.map((r) => [r.index, r]));
	const entries: BulkResponseOperation[] = [];
	for (const op of operations) {
		const result = byIndex.get(op.index);
		if (result === undefined) {
			continue;
		}
		const entry: BulkResponseOperation = { method: op.method, status: String(result.status) };
		if (result.id !== undefined && result.resourceType !== undefined) {
			entry.location = `${baseUrl}/${result.resourceType}s/${encodeURIComponent(result.id)}`;
		}
		if (op.bulkId !== undefined) {
			entry.bulkId = op.bulkId;
		}
		if (result.version !== undefined) {
			entry.version = versionTag(result.version);
		}
		if (result.error !== undefined) {
			entry.response = ScimError.from(result.error).toBody();
		}
		entries.push(entry);
	}
	return { schemas: [MESSAGE_BULK_RESPONSE], Operations: entries };
}

function field(obj: Record<string, unknown>, name: string): unknown {
	if (Object.hasOwn(obj, name)) {
		return obj[name];
	}
	const lower = name.toLowerCase();
	const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
	return key === undefined ? undefined : obj[key];
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}
