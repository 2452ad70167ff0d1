import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "../../../src/admin/csv";

describe("csvCell", () => {
	it.each([
		["plain", "plain"],
		["a,b", '"a,b"'],
		['say "hi"', '"say ""hi"""'],
		["two\nlines", '"two\nlines"'],
		["=1+1", "'=1+1"],
		["+SUM(A1)", "'+SUM(A1)"],
		["-2+3", "'-2+3"],
		["@cmd", "'@cmd"],
		["\tx", "'\tx"],
		["\r=1+1", `"'\r=1+1"`],
		[" =1+1", "' =1+1"],
		["  @cmd", "'  @cmd"],
		["\u00a0+1", "'\u00a0+1"],
		["\u3000-1", "'\u3000-1"],
		["\n=1", `"'\n=1"`],
		["\uff1d1+1", "'\uff1d1+1"],
		["\uff0bSUM(A1)", "'\uff0bSUM(A1)"],
		["\uff0d2", "'\uff0d2"],
		["\uff20cmd", "'\uff20cmd"],
		["a=b", "a=b"],
		["x-1", "x-1"],
		["  plain", "  plain"],
		['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
		["", ""],
	])("writes %j as %j", (value, expected) => {
		expect(csvCell(value)).toBe(expected);
	});

	it("keeps numbers (negative ones too) and writes null as empty", () => {
		expect(csvCell(-5)).toBe("-5");
		expect(csvCell(409)).toBe("409");
		expect(csvCell(null)).toBe("");
		expect(csvCell(undefined)).toBe("");
	});
});

describe("csvRow", () => {
	it("keeps a cell with line breaks as one quoted cell", () => {
		expect(csvRow(["a\r\nb", "c\nd", "e"])).toBe('"a\r\nb","c\nd",e\r\n');
	});

	it("joins cells with commas and ends with CRLF (RFC 4180)", () => {
		expect(csvRow(["a", 1, null, "b,c"])).toBe('a,1,,"b,c"\r\n');
	});
});
