/**
 * CSV for the log export (RFC 4180): every cell quoted when it needs to be, quotes doubled, and
 * cells that a spreadsheet would run as a formula prefixed with a single quote (OWASP "CSV
 * Injection"): those starting with = + - @, tab or CR, also after leading whitespace (spreadsheets
 * trim it before parsing), and with the full-width = + - @ that some spreadsheets read as the
 * ASCII ones.
 */

const FORMULA_START = /^[\t\r]|^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;

/** One CSV line (with CRLF) from the cells. */
export function csvRow(cells: (string | number | null | undefined)[]): string {
	return `${cells.map(csvCell).join(",")}\r\n`;
}

/** One cell, escaped and defused. */
export function csvCell(value: string | number | null | undefined): string {
	if (value === null || value === undefined) {
		return "";
	}
	let text = String(value);
	if (typeof value === "string" && FORMULA_START.test(text)) {
		text = `'${text}`;
	}
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
