/**
 * The weak entity tag of a resource version, as used in `meta.version` and the ETag header.
 * RFC 7644 §3.14.
 * @example versionTag(3) // 'W/"3"'
 */
export function versionTag(version: number | string): string {
	return `W/"${version}"`;
}

/**
 * Whether an If-Match / If-None-Match header value matches a version: `*`, or any listed tag,
 * weak or strong (weak comparison, RFC 9110 §8.8.3.2). RFC 7644 §3.14.
 */
export function etagMatches(header: string, version: number): boolean {
	return header
		.split(",")
		.map((tag) => tag.trim())
		.some((tag) => tag === "*" || tag.replace(/^W\//, "") === `"${version}"`);
}
