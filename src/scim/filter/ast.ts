/** A comparison operator of the filter grammar. RFC 7644 §3.4.2.2. */
export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";

/** A comparison value: a JSON literal. RFC 7644 §3.4.2.2 (compValue). */
export type CompareValue = string | number | boolean | null;

/**
 * An attribute path: optional schema URN, attribute name, optional sub-attribute. RFC 7644
 * §3.4.2.2 (attrPath). Names keep the client's spelling until validated against a schema, which
 * rewrites them to the schema's canonical spelling and fills in `uri`.
 */
export interface AttrPath {
	uri?: string;
	attribute: string;
	subAttribute?: string;
}

/** A parsed filter expression. RFC 7644 §3.4.2.2. */
export type Filter =
	| { kind: "compare"; path: AttrPath; op: CompareOp; value: CompareValue }
	| { kind: "present"; path: AttrPath }
	| { kind: "and"; left: Filter; right: Filter }
	| { kind: "or"; left: Filter; right: Filter }
	| { kind: "not"; filter: Filter }
	/** `emails[type eq "work" and value co "@x"]`: the inner filter applies to each value of `path`. */
	| { kind: "valuePath"; path: AttrPath; filter: Filter };

/**
 * A PATCH operation path: `attrPath`, or `attrPath[valFilter]` optionally followed by
 * `.subAttr`. RFC 7644 §3.5.2 (PATH).
 */
export interface PatchPath {
	path: AttrPath;
	valueFilter?: Filter;
	/** The sub-attribute after a value filter, as in `emails[type eq "work"].value`. */
	subAttribute?: string;
}
