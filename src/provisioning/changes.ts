/** The top-level attribute names whose values differ between two resources, sorted. */
export function changedAttributes(
	before: Record<string, unknown>,
	after: Record<string, unknown>,
): string[] {
	const names = new Set([...Object.keys(before), ...Object.keys(after)]);
	return [...names].filter((n) => JSON.stringify(before[n]) !== JSON.stringify(after[n])).sort();
}
