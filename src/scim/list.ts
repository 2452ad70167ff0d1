import { MESSAGE_LIST_RESPONSE } from "./schemas/urns";

/** A ListResponse message. RFC 7644 §3.4.2. */
export interface ListResponse<T> {
	schemas: [typeof MESSAGE_LIST_RESPONSE];
	totalResults: number;
	itemsPerPage: number;
	startIndex: number;
	Resources: T[];
}

/**
 * Wraps one page of resources in a ListResponse whose paging fields are integers (Okta rejects
 * anything else) and whose `Resources` is present even when empty. RFC 7644 §3.4.2.
 * @example listResponse([], { totalResults: 0, startIndex: 1 }) // Entra's Test Connection answer
 */
export function listResponse<T>(
	resources: readonly T[],
	page: { totalResults: number; startIndex: number; itemsPerPage?: number },
): ListResponse<T> {
	return {
		schemas: [MESSAGE_LIST_RESPONSE],
		totalResults: toInteger(page.totalResults, 0),
		itemsPerPage: toInteger(page.itemsPerPage ?? resources.length, 0),
		startIndex: toInteger(page.startIndex, 1),
		Resources: [...resources],
	};
}

function toInteger(value: number, minimum: number): number {
	return Number.isFinite(value) ? Math.max(minimum, Math.trunc(value)) : minimum;
}
