/** The fields of a SCIM User resource that the product and the indexes use. */
export interface UserFields {
	userName: string;
	externalId: string | null;
	displayName: string | null;
	givenName: string | null;
	familyName: string | null;
	active: boolean;
	/** The primary email, else the first one, else an email-shaped userName; links the account. */
	email: string | null;
	emails: { value: string; type?: string; primary?: boolean }[];
}

/** Reads the indexed fields from a normalised SCIM User resource (RFC 7643 §4.1). */
export function userFields(resource: Record<string, unknown>): UserFields {
	const name = isObject(resource.name) ? resource.name : {};
	const emails = Array.isArray(resource.emails)
		? resource.emails.filter(isObject).flatMap((e) =>
				typeof e.value === "string" && e.value.trim() !== ""
					? [
							{
								value: e.value,
								...(typeof e.type === "string" ? { type: e.type } : {}),
								...(e.primary === true ? { primary: true } : {}),
							},
						]
					: [],
			)
		: [];
	const userName = String(resource.userName ?? "");
	const primary = emails.find((e) => e.primary) ?? emails[0];
	const email = primary?.value ?? (looksLikeEmail(userName) ? userName : null);
	return {
		userName,
		externalId: stringOrNull(resource.externalId),
		displayName: stringOrNull(resource.displayName),
		givenName: stringOrNull(name.givenName),
		familyName: stringOrNull(name.familyName),
		// A User without `active` is active: RFC 7643 leaves the default to the service provider.
		active: resource.active !== false,
		email: email === null ? null : email.trim(),
		emails,
	};
}

function looksLikeEmail(value: string): boolean {
	return /^[^\s@]+@[^\s@]+$/.test(value);
}

function stringOrNull(value: unknown): string | null {
	return typeof value === "string" ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}
