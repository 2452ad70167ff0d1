/**
 * The case fold of every case-insensitive comparison (RFC 7643 §2.2 `caseExact: false`): Unicode
 * NFC normalisation, then `toLowerCase()` (locale-independent, full Unicode). The filter evaluator
 * compares with it, and the stored key columns (accounts.email_key, scim_users.user_name_key,
 * scim_user_emails.value_key, scim_groups.display_name_key) hold it, so SQL look-ups and their
 * unique indexes agree with the evaluator: "ZOË" and "zoë" (and a decomposed "zoe\u0308") match.
 *
 * Changing this function changes what the stored keys mean: it needs a migration that recomputes
 * them, which SQL alone cannot do (SQLite's lower() folds ASCII only).
 */
export function foldCase(value: string): string {
	return value.normalize("NFC").toLowerCase();
}
