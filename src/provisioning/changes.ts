import type { LoggedChange } from "../db/schema";

/** The top-level attribute names whose values differ between two resources, sorted. */
export function changedAttributes(
	before: Record<string, unknown>,
	after: Record<string, unknown>,
): string[] {
	const names = new Set([...Object.keys(before), ...Object.keys(after)]);
	return [...names].filter((n) => JSON.stringify(before[n]) !== JSON.stringify(after[n])).sort();
}

/** One attribute's change as the log keeps it: never a secret's value. */
export type AttributeChange = Exclude<LoggedChange, string>;

const MAX_VALUE_LENGTH = 200;
const SKIPPED = new Set(["schemas", "meta", "id"]);
const SECRET = /password|secret|token/i;

/**
 * The changed attributes between two SCIM resources with short before/after display values, for
 * the provisioning log. Complex attributes are flattened one level (`name.givenName`), extension
 * schemas into their own attributes (`department`, `manager`); `password` and other secrets are
 * listed with no values. Sorted by attribute.
 * @example attributeChanges({ title: "Dev" }, { title: "Lead" })
 *   // [{ attribute: "title", before: "Dev", after: "Lead" }]
 */
export function attributeChanges(
	before: Record<string, unknown>,
	after: Record<string, unknown>,
): AttributeChange[] {
	const old = flatten(before);
	const now = flatten(after);
	const names = [...new Set([...old.keys(), ...now.keys()])].sort();
	const changes: AttributeChange[] = [];
	for (const attribute of names) {
		const a = old.get(attribute);
		const b = now.get(attribute);
		if (JSON.stringify(a) === JSON.stringify(b)) {
			continue;
		}
		changes.push(
			SECRET.test(attribute)
				? { attribute, before: null, after: null, hidden: true }
				: { attribute, before: displayValue(a), after: displayValue(b) },
		);
	}
	return changes;
}

/** Attribute path → value: extension URNs dropped from the path, complex values one level in. */
function flatten(resource: Record<string, unknown>): Map<string, unknown> {
	const out = new Map<string, unknown>();
	for (const [name, value] of Object.entries(resource)) {
		if (SKIPPED.has(name)) {
			continue;
		}
		if (name.startsWith("urn:") && isObject(value)) {
			for (const [sub, subValue] of Object.entries(value)) {
				out.set(sub, subValue);
			}
		} else if (isObject(value)) {
			for (const [sub, subValue] of Object.entries(value)) {
				out.set(`${name}.${sub}`, subValue);
			}
		} else {
			out.set(name, value);
		}
	}
	return out;
}

/** A short text for a value: multi-valued attributes by their values, complex ones by value. */
function displayValue(value: unknown): string | null {
	if (value === undefined || value === null) {
		return null;
	}
	const text = Array.isArray(value)
		? value.map(itemText).join(", ")
		: isObject(value)
			? itemText(value)
			: String(value);
	return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

function itemText(item: unknown): string {
	if (!isObject(item)) {
		return String(item);
	}
	const main = item.displayName ?? item.display ?? item.value;
	if (main === undefined) {
		return JSON.stringify(item);
	}
	const tags = [item.type, item.primary === true ? "primary" : undefined].filter(
		(t) => typeof t === "string",
	);
	return tags.length > 0 ? `${String(main)} (${tags.join(", ")})` : String(main);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}
