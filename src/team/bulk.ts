import type { ScimGroupRow } from "../db/schema";
import type { UserWrite } from "../provisioning/users";
import {
	type BulkOperation,
	type BulkOperationResult,
	type BulkRequest,
	type BulkResourceType,
	planBulk,
	prepareBulkOperation,
} from "../scim/bulk";
import type { ScimErrorData } from "../scim/errors";
import type { NormalizedUser } from "../scim/normalize";
import type { PatchOperation } from "../scim/patch";
import type { Result } from "../scim/result";

/**
 * The team object's single-resource writes, without its queue: the bulk run already holds it.
 * Each is the exact code path of the matching SCIM request.
 */
export interface BulkWriters {
	createUser(user: NormalizedUser): Promise<Result<UserWrite>>;
	replaceUser(id: string, user: NormalizedUser, ifMatch: string | null): Promise<Result<UserWrite>>;
	patchUser(
		id: string,
		operations: PatchOperation[],
		ifMatch: string | null,
	): Promise<Result<UserWrite>>;
	deleteUser(id: string, ifMatch: string | null): Promise<Result<null>>;
	createGroup(resource: Record<string, unknown>): Promise<Result<{ row: ScimGroupRow }>>;
	replaceGroup(
		id: string,
		resource: Record<string, unknown>,
		ifMatch: string | null,
	): Promise<Result<{ row: ScimGroupRow }>>;
	patchGroup(
		id: string,
		operations: PatchOperation[],
		ifMatch: string | null,
	): Promise<Result<{ row: ScimGroupRow }>>;
	deleteGroup(id: string, ifMatch: string | null): Promise<Result<null>>;
	/** Records an operation refused before it could run (bad path, unknown bulkId, bad body). */
	logRefusal(op: BulkOperation, error: ScimErrorData): Promise<void>;
}

/**
 * Runs a parsed BulkRequest (RFC 7644 §3.7): in the order `planBulk` gives, resolving bulkIds
 * from the POSTs that ran before, stopping once `failOnErrors` operations have failed. Each
 * operation is atomic on its own; the request as a whole is not a transaction.
 */
export async function runBulkRequest(
	request: BulkRequest,
	writers: BulkWriters,
): Promise<BulkOperationResult[]> {
	const results: BulkOperationResult[] = [];
	const ids = new Map<string, string>();
	let errors = 0;
	for (const step of planBulk(request.operations)) {
		if (request.failOnErrors !== undefined && errors >= request.failOnErrors) {
			break;
		}
		const op = request.operations[step.index] as BulkOperation;
		const result =
			step.error === undefined
				? await runOperation(op, ids, writers)
				: await refuse(op, step.error, writers);
		if (result.error !== undefined) {
			errors++;
		} else if (op.method === "POST" && op.bulkId !== undefined && result.id !== undefined) {
			ids.set(op.bulkId, result.id);
		}
		results.push(result);
	}
	return results;
}

async function runOperation(
	op: BulkOperation,
	ids: ReadonlyMap<string, string>,
	writers: BulkWriters,
): Promise<BulkOperationResult> {
	const prepared = prepareBulkOperation(op, ids);
	if (!prepared.ok) {
		return refuse(op, prepared.error, writers);
	}
	const write = prepared.value;
	const index = op.index;
	try {
		switch (write.kind) {
			case "createUser":
				return written(index, "User", 201, rowOf(await writers.createUser(write.user)));
			case "replaceUser":
				return written(
					index,
					"User",
					200,
					rowOf(await writers.replaceUser(write.id, write.user, write.ifMatch)),
					write.id,
				);
			case "patchUser":
				return written(
					index,
					"User",
					200,
					rowOf(await writers.patchUser(write.id, write.operations, write.ifMatch)),
					write.id,
				);
			case "deleteUser":
				return deleted(index, "User", write.id, await writers.deleteUser(write.id, write.ifMatch));
			case "createGroup":
				return written(index, "Group", 201, rowOf(await writers.createGroup(write.resource)));
			case "replaceGroup":
				return written(
					index,
					"Group",
					200,
					rowOf(await writers.replaceGroup(write.id, write.resource, write.ifMatch)),
					write.id,
				);
			case "patchGroup":
				// 204, as PATCH /Groups/:id answers when no attributes are asked for.
				return written(
					index,
					"Group",
					204,
					rowOf(await writers.patchGroup(write.id, write.operations, write.ifMatch)),
					write.id,
				);
			case "deleteGroup":
				return deleted(
					index,
					"Group",
					write.id,
					await writers.deleteGroup(write.id, write.ifMatch),
				);
		}
	} catch (error) {
		// One broken operation must not lose the answers of those that already ran.
		console.error("bulk operation failed", index, error);
		return { index, status: 500, error: { status: 500, detail: "An internal error occurred." } };
	}
}

async function refuse(
	op: BulkOperation,
	error: ScimErrorData,
	writers: BulkWriters,
): Promise<BulkOperationResult> {
	await writers.logRefusal(op, error);
	return { index: op.index, status: error.status, error };
}

function rowOf<T>(result: Result<{ row: T }>): Result<T> {
	return result.ok ? { ok: true, value: result.value.row } : result;
}

function written(
	index: number,
	resourceType: BulkResourceType,
	status: number,
	result: Result<{ id: string; version: number }>,
	id?: string,
): BulkOperationResult {
	if (result.ok) {
		return { index, status, resourceType, id: result.value.id, version: result.value.version };
	}
	return {
		index,
		status: result.error.status,
		resourceType,
		...(id === undefined ? {} : { id }),
		error: result.error,
	};
}

function deleted(
	index: number,
	resourceType: BulkResourceType,
	id: string,
	result: Result<null>,
): BulkOperationResult {
	return result.ok
		? { index, status: 204, resourceType, id }
		: { index, status: result.error.status, resourceType, id, error: result.error };
}
