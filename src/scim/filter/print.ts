import type { AttrPath, CompareValue, Filter, PatchPath } from "./ast";

const PRECEDENCE = { or: 1, and: 2 } as const;

/** Writes an attribute path as filter text: `[uri:]attribute[.subAttribute]`. RFC 7644 §3.4.2.2. */
export function printAttrPath(path: AttrPath): string {
	const name =
		path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
	return path.uri === undefined ? name : `${path.uri}:${name}`;
}

function printValue(value: CompareValue): string {
	return JSON.stringify(value);
}

function print(filter: Filter, minPrecedence: number): string {
	switch (filter.kind) {
		case "compare":
			return `${printAttrPath(filter.path)} ${filter.op} ${printValue(filter.value)}`;
		case "present":
			return `${printAttrPath(filter.path)} pr`;
		case "not":
			return `not (${print(filter.filter, 0)})`;
		case "valuePath":
			return `${printAttrPath(filter.path)}[${print(filter.filter, 0)}]`;
		case "and":
		case "or": {
			const own = PRECEDENCE[filter.kind];
			// The parser is left-associative, so a right operand of the same operator needs parentheses.
			const text = `${print(filter.left, own)} ${filter.kind} ${print(filter.right, own + 1)}`;
			return own < minPrecedence ? `(${text})` : text;
		}
	}
}

/**
 * Writes a filter AST back as filter text that {@link parseFilter} reads into the same AST;
 * useful in logs and error details. RFC 7644 §3.4.2.2.
 * @example printFilter({ kind: "present", path: { attribute: "title" } }) // 'title pr'
 */
export function printFilter(filter: Filter): string {
	return print(filter, 0);
}

/** Writes a PATCH path back as text, e.g. `emails[type eq "work"].value`. RFC 7644 §3.5.2. */
export function printPatchPath(path: PatchPath): string {
	let text = printAttrPath(path.path);
	if (path.valueFilter !== undefined) {
		text += `[${printFilter(path.valueFilter)}]`;
	}
	if (path.subAttribute !== undefined) {
		text += `.${path.subAttribute}`;
	}
	return text;
}
