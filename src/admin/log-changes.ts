import type { LoggedChange } from "../db/schema";

/** How the log shows changed attributes: by the names people know them by, never a raw URN. */

const LABELS: Record<string, string> = {
	"name.givenName": "first name",
	"name.familyName": "last name",
	"name.formatted": "full name",
	"name.middleName": "middle name",
	"name.honorificPrefix": "name prefix",
	"name.honorificSuffix": "name suffix",
	externalId: "external id",
	userName: "user name",
	emails: "email",
	phoneNumbers: "phone number",
	// Rows logged before values were kept name the whole enterprise extension.
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "enterprise attributes",
};

/** A display label for an attribute path: `employeeNumber` → "employee number". */
export function attributeLabel(path: string): string {
	const known = LABELS[path];
	if (known) {
		return known;
	}
	if (path.startsWith("urn:")) {
		return path.split(":").at(-1) ?? path;
	}
	return path
		.split(".")
		.map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase())
		.join(" ");
}

/** A change read from a row, older (name only) or newer (with values), in one shape. */
export interface ShownChange {
	label: string;
	before: string | null;
	after: string | null;
	/** Whether before/after are known: false for older rows and for secrets. */
	hasValues: boolean;
	hidden: boolean;
}

/** The changes of a log row as they are shown, without the bookkeeping `schemas` attribute. */
export function shownChanges(changes: LoggedChange[] | null): ShownChange[] {
	return (changes ?? [])
		.map((c): ShownChange | null => {
			if (typeof c === "string") {
				return c === "schemas"
					? null
					: {
							label: attributeLabel(c),
							before: null,
							after: null,
							hasValues: false,
							hidden: false,
						};
			}
			if (typeof c !== "object" || c === null || typeof c.attribute !== "string") {
				return null;
			}
			const hidden = c.hidden === true;
			return {
				label: attributeLabel(c.attribute),
				before: hidden ? null : (c.before ?? null),
				after: hidden ? null : (c.after ?? null),
				hasValues: !hidden,
				hidden,
			};
		})
		.filter((c): c is ShownChange => c !== null);
}
