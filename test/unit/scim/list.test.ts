import { describe, expect, it } from "vitest";
import { listResponse } from "../../../src/scim/list";
import { MESSAGE_LIST_RESPONSE } from "../../../src/scim/schemas/urns";

describe("listResponse", () => {
	it("answers an empty page with Resources: [] (Entra Test Connection, Okta existence check)", () => {
		expect(listResponse([], { totalResults: 0, startIndex: 1 })).toEqual({
			schemas: [MESSAGE_LIST_RESPONSE],
			totalResults: 0,
			itemsPerPage: 0,
			startIndex: 1,
			Resources: [],
		});
	});

	it.each([
		[{ totalResults: 250, startIndex: 101, itemsPerPage: 100 }, [250, 100, 101]],
		[{ totalResults: 3, startIndex: 1 }, [3, 2, 1]],
		[{ totalResults: 2.7, startIndex: 0, itemsPerPage: 1.2 }, [2, 1, 1]],
	])("keeps paging fields integers for %j", (page, [totalResults, itemsPerPage, startIndex]) => {
		expect(listResponse([{ id: "a" }, { id: "b" }], page)).toMatchObject({
			totalResults,
			itemsPerPage,
			startIndex,
		});
	});
});
