import { type AnyColumn, asc, desc, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { scimErrors } from "../scim/errors";
import type { AttrPath, CompareOp, CompareValue, Filter } from "../scim/filter/ast";
import { printAttrPath } from "../scim/filter/print";
import { parseDateTime } from "../scim/filter/validate";
import { foldCase } from "../scim/fold";
import {
	findAttribute,
	isNeverReturned,
	type ResolvedAttribute,
	resolveAttribute,
	resolveAttributePath,
} from "../scim/schemas/lookup";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../scim/schemas/resource-types";
import type { AttributeDef, ResourceTypeDef } from "../scim/schemas/types";
import { ListOperands } from "./lists";
import { scimGroupMembers, scimGroups, scimUserEmails, scimUsers } from "./schema";

/**
 * Compiles a validated SCIM filter (RFC 7644 §3.4.2.2) into a parameterised SQL condition over a
 * team's rows, with the semantics of `evaluateFilter` (src/scim/filter/evaluate.ts), which
 * test/integration/filter-sql.test.ts checks property by property:
 *
 * - Attributes with a column of their own (id, externalId, userName, displayName, ...) use it and
 *   its index; the others are read from the stored resource JSON, so any filter the schema allows
 *   runs in SQL and a team is never loaded into memory to filter it.
 * - Multi-valued attributes match when some value does (`exists` over `json_each`, or over the
 *   membership table for Users' `groups` and Groups' `members`). `emails.value eq` also looks the
 *   address up in `scim_user_emails` first, so it uses that table's index.
 * - `ne` means "no value equals", so it holds when the attribute is missing; `pr` needs a
 *   non-empty value; `not` is two-valued (a missing attribute makes the inner filter false).
 * - co/sw/ew use instr/substr, never LIKE, so `%` and `_` are literal. Strings that are not
 *   caseExact compare case-folded: userName, emails.value and group displayName (and a User's
 *   groups.display) through the key columns that hold foldCase (src/scim/fold.ts) of the value,
 *   against the operand folded the same way in JS, so they fold all of Unicode like the evaluator
 *   and use the unique/lookup indexes; every other string compares through SQLite's lower(),
 *   which folds ASCII letters only.
 * - dateTimes compare as instants (stored as ISO-8601 UTC with milliseconds); JSON booleans are
 *   1/0 in SQL.
 */

type ValueKind = "string" | "boolean" | "number" | "dateTime";

/** One value of an attribute as SQL: NULL when it is missing. */
interface Scalar {
	expr: SQL;
	kind: ValueKind;
	caseExact: boolean;
	/**
	 * foldCase (src/scim/fold.ts) of the value, when it is stored: compared with the operand
	 * folded in JS instead of through lower(), which folds ASCII only.
	 */
	key?: SQL;
	/** True when the value is present (`pr`): not null, not "", and for complex values some sub-attribute present. */
	present: SQL;
}

/** The values of a multi-valued attribute (or one complex value), one row each, for a correlated subquery. */
interface Elements {
	/** `<tables> where <correlation>` yielding one row per value. */
	from: SQL;
	/** The order the values are listed in (for "the first value" when sorting). */
	order: SQL;
	/** The value itself (when `sub` is undefined) or one of its sub-attributes. */
	value(sub: AttributeDef | undefined): Scalar;
}

/** What a list request knows that the stored rows do not: where the resources are served from. */
export interface FilterContext {
	teamId: string;
	/** The SCIM base URL, for `meta.location` and `$ref`; without it those cannot be filtered on. */
	baseUrl?: string;
}

/**
 * A compiled filter: the condition and the operands it reads. Every value in the condition (the
 * client's operands, and the JSON paths and URLs around them) is read from one JSON parameter
 * (src/db/lists.ts), so no filter the parser accepts can exceed D1's 100 bound parameters.
 */
export interface FilterSql {
	where: SQL;
	operands: ListOperands;
}

/** The context while compiling: the request's, and where values are bound. */
interface Ctx extends FilterContext {
	bind(value: string | number): SQL;
}

interface Target {
	resourceType: ResourceTypeDef;
	resource: SQLiteColumn;
	/** Attributes with a column (or an expression over columns) of their own, by canonical core name. */
	columns(ctx: Ctx): Record<string, SQL | SQLiteColumn>;
	/** The case-fold key columns of some of those attributes, by the same names. */
	keyColumns: Record<string, SQLiteColumn>;
	/**
	 * Case-fold keys of values read from the stored JSON, by `attribute.sub`: given the raw value
	 * of the current element, the SQL for its key.
	 */
	jsonKeys?: Record<string, (raw: SQL) => SQL>;
	/** Multi-valued attributes kept in tables of their own rather than in `resource`. */
	sideElements: Record<string, (ctx: Ctx) => Elements>;
	/**
	 * An indexed lookup that every resource with some `attribute.value` equal to `value` passes;
	 * ANDed in front of the exact condition so the planner can start from the index.
	 */
	indexedValue?: Record<string, (ctx: Ctx, value: string) => SQL>;
}

function metaColumns(
	resourceType: ResourceTypeDef,
	table: {
		id: SQLiteColumn;
		version: SQLiteColumn;
		createdAt: SQLiteColumn;
		updatedAt: SQLiteColumn;
	},
	ctx: Ctx,
): Record<string, SQL | SQLiteColumn> {
	return {
		id: table.id,
		"meta.created": table.createdAt,
		"meta.lastModified": table.updatedAt,
		"meta.resourceType": ctx.bind(resourceType.name),
		"meta.version": sql`('W/"' || ${table.version} || '"')`,
		...(ctx.baseUrl === undefined
			? {}
			: {
					"meta.location": sql`(${ctx.bind(`${ctx.baseUrl}${resourceType.endpoint}/`)} || ${table.id})`,
				}),
	};
}

/** `$ref` of a member or group: the URL of the resource it points to. */
function refTo(ctx: Ctx, endpoint: string, id: SQLiteColumn): SQL {
	return ctx.baseUrl === undefined
		? sql`null`
		: sql`(${ctx.bind(`${ctx.baseUrl}${endpoint}/`)} || ${id})`;
}

/** Side-table elements whose sub-attributes are SQL expressions; every element is present. */
function tableElements(
	subs: Record<string, SQL | SQLiteColumn>,
	keys: Record<string, SQLiteColumn> = {},
): (sub: AttributeDef | undefined) => Scalar {
	return (sub) => {
		const expr = sub === undefined ? undefined : subs[sub.name];
		if (sub === undefined || expr === undefined) {
			return sub === undefined
				? { expr: sql`1`, kind: "number", caseExact: true, present: sql`1` }
				: nullScalar(sub);
		}
		return withKey(columnScalar(sql`${expr}`, sub), keys[sub.name]);
	};
}

/** Attaches a stored case-fold key to a case-insensitive string value. */
function withKey(scalar: Scalar, key: SQL | SQLiteColumn | undefined): Scalar {
	return key === undefined || scalar.kind !== "string" || scalar.caseExact
		? scalar
		: { ...scalar, key: sql`${key}` };
}

const USER_TARGET: Target = {
	resourceType: USER_RESOURCE_TYPE,
	resource: scimUsers.resource,
	columns: (ctx) => ({
		...metaColumns(USER_RESOURCE_TYPE, scimUsers, ctx),
		externalId: scimUsers.externalId,
		userName: scimUsers.userName,
		displayName: scimUsers.displayName,
		"name.givenName": scimUsers.givenName,
		"name.familyName": scimUsers.familyName,
		active: scimUsers.active,
	}),
	keyColumns: { userName: scimUsers.userNameKey },
	jsonKeys: {
		// The side table holds each non-blank email with its key; a blank one folds the same anyway.
		"emails.value": (raw) =>
			sql`coalesce((select ek.value_key from ${scimUserEmails} as ek where ek.scim_user_id = ${scimUsers.id} and ek.value = ${raw} limit 1), lower(${raw}))`,
	},
	sideElements: {
		// The groups a User is in are the membership rows, not part of the stored resource.
		groups: (ctx) => {
			const from = sql`${scimGroupMembers} join ${scimGroups} on ${scimGroups.id} = ${scimGroupMembers.groupId} where ${scimGroupMembers.scimUserId} = ${scimUsers.id}`;
			const order = sql`${scimGroups.displayName}`;
			return {
				from,
				order,
				value: tableElements(
					{
						value: scimGroups.id,
						display: scimGroups.displayName,
						type: sql`'direct'`,
						$ref: refTo(ctx, GROUP_RESOURCE_TYPE.endpoint, scimGroups.id),
					},
					{ display: scimGroups.displayNameKey },
				),
			};
		},
	},
	indexedValue: {
		emails: (ctx, value) =>
			sql`${scimUsers.id} in (select ${scimUserEmails.scimUserId} from ${scimUserEmails} where ${scimUserEmails.teamId} = ${ctx.bind(ctx.teamId)} and ${scimUserEmails.valueKey} = ${ctx.bind(foldCase(value))})`,
	},
};

const GROUP_TARGET: Target = {
	resourceType: GROUP_RESOURCE_TYPE,
	resource: scimGroups.resource,
	columns: (ctx) => ({
		...metaColumns(GROUP_RESOURCE_TYPE, scimGroups, ctx),
		externalId: scimGroups.externalId,
		displayName: scimGroups.displayName,
	}),
	keyColumns: { displayName: scimGroups.displayNameKey },
	sideElements: {
		members: (ctx) => {
			const from = sql`${scimGroupMembers} join ${scimUsers} on ${scimUsers.id} = ${scimGroupMembers.scimUserId} where ${scimGroupMembers.groupId} = ${scimGroups.id}`;
			const order = sql`${scimGroupMembers.createdAt}, ${scimUsers.id}`;
			return {
				from,
				order,
				value: tableElements({
					value: scimGroupMembers.scimUserId,
					display: sql`coalesce(${scimUsers.displayName}, ${scimUsers.userName})`,
					type: sql`'User'`,
					$ref: refTo(ctx, USER_RESOURCE_TYPE.endpoint, scimUsers.id),
				}),
			};
		},
	},
};

/** The SQL condition for a validated filter over the team's Users. */
export function userFilterSql(filter: Filter, ctx: FilterContext | string): FilterSql {
	return compileFilter(USER_TARGET, filter, ctx);
}

/** The SQL condition for a validated filter over the team's Groups. */
export function groupFilterSql(filter: Filter, ctx: FilterContext | string): FilterSql {
	return compileFilter(GROUP_TARGET, filter, ctx);
}

function compileFilter(target: Target, filter: Filter, ctx: FilterContext | string): FilterSql {
	const operands = new ListOperands();
	const context = typeof ctx === "string" ? { teamId: ctx } : ctx;
	const scope = new Scope(target, { ...context, bind: (value) => operands.ref(value) });
	return { where: compile(scope, filter, false), operands };
}

/**
 * ORDER BY for a Users list: `sortBy` (RFC 7644 §3.4.2.3), then creation order and id, so pages
 * are stable. A multi-valued attribute sorts by its primary value, else its first one.
 */
export function userOrderBy(
	sortBy: string | undefined,
	sortOrder: "ascending" | "descending",
): SQL[] {
	return orderBy(USER_TARGET, sortBy, sortOrder, [scimUsers.createdAt, scimUsers.id]);
}

/** ORDER BY for a Groups list; see {@link userOrderBy}. */
export function groupOrderBy(
	sortBy: string | undefined,
	sortOrder: "ascending" | "descending",
): SQL[] {
	return orderBy(GROUP_TARGET, sortBy, sortOrder, [scimGroups.createdAt, scimGroups.id]);
}

function orderBy(
	target: Target,
	sortBy: string | undefined,
	sortOrder: "ascending" | "descending",
	stable: AnyColumn[],
): SQL[] {
	const tiebreak = stable.map((column) => asc(column));
	if (sortBy === undefined) {
		return tiebreak;
	}
	const ref = resolveAttribute(target.resourceType, sortBy);
	const invalid = () =>
		scimErrors.invalidValue(
			`sortBy "${sortBy}" is not a sortable attribute of ${target.resourceType.name}.`,
		);
	if (
		ref?.attribute === undefined ||
		isNeverReturned(ref.attribute) ||
		(ref.subAttribute !== undefined && isNeverReturned(ref.subAttribute))
	) {
		throw invalid();
	}
	const resolved = ref as ResolvedAttribute;
	// sortBy names one attribute, so its few values are bound directly. meta.location sorts as
	// its id does: every location has the same prefix.
	const scope = new Scope(target, { teamId: "", baseUrl: "", bind: (value) => sql`${value}` });
	let value: Scalar;
	if (resolved.attribute.multiValued) {
		// RFC 7644 §3.4.2.3: the primary value if any, else the first value in the list.
		const sub =
			resolved.subAttribute ??
			(resolved.attribute.type === "complex"
				? findAttribute(resolved.attribute.subAttributes, "value")
				: undefined);
		if (resolved.attribute.type === "complex" && sub === undefined) {
			throw invalid();
		}
		const elements = scope.elements(resolved);
		const item = elements.value(sub);
		const primaryDef = findAttribute(resolved.attribute.subAttributes, "primary");
		// A constant term would read as a column number ("ORDER BY term out of range"), so an
		// attribute without `primary` (groups, members) orders by list position alone.
		const primaryFirst =
			primaryDef === undefined ? sql`` : sql`(${elements.value(primaryDef).expr} = 1) desc, `;
		const first = (expr: SQL) =>
			sql`(select ${expr} from ${elements.from} and ${item.present} order by ${primaryFirst}${elements.order} limit 1)`;
		const expr = first(item.expr);
		value = {
			...item,
			expr,
			key: item.key === undefined ? undefined : first(item.key),
			present: sql`(${expr} is not null)`,
		};
	} else if (resolved.attribute.type === "complex" && resolved.subAttribute === undefined) {
		throw invalid();
	} else {
		value = scope.scalar(resolved);
	}
	const key =
		value.kind === "string" && !value.caseExact
			? (value.key ?? sql`lower(${value.expr})`)
			: sql`${value.expr}`;
	// RFC 7644 §3.4.2.3: resources without the attribute sort last ascending, first descending.
	const missing = sql`(case when ${value.present} then 0 else 1 end)`;
	return sortOrder === "descending"
		? [desc(missing), desc(key), ...tiebreak]
		: [asc(missing), asc(key), ...tiebreak];
}

/** What a path names in the current scope: one value, or the values of a multi-valued attribute. */
type Located =
	| { kind: "scalar"; scalar: Scalar }
	| { kind: "elements"; elements: Elements; sub: AttributeDef | undefined; ref: ResolvedAttribute };

/** Where attribute paths are resolved: the resource itself, or one value inside `attr[...]`. */
class Scope {
	constructor(
		readonly target: Target,
		readonly ctx: Ctx,
		readonly element?: { parent: AttributeDef; elements: Elements },
	) {}

	locate(path: AttrPath): Located {
		if (this.element !== undefined) {
			const sub = findAttribute(this.element.parent.subAttributes, path.attribute);
			if (sub === undefined) {
				throw unknown(path, this.target);
			}
			return { kind: "scalar", scalar: this.element.elements.value(sub) };
		}
		const ref = this.resolve(path);
		if (ref.attribute.multiValued) {
			return { kind: "elements", elements: this.elements(ref), sub: ref.subAttribute, ref };
		}
		return { kind: "scalar", scalar: this.scalar(ref) };
	}

	resolve(path: AttrPath): ResolvedAttribute {
		const ref = resolveAttributePath(this.target.resourceType, path);
		if (ref === undefined) {
			throw unknown(path, this.target);
		}
		return ref;
	}

	/** A single-valued attribute or a sub-attribute of a single-valued complex one. */
	scalar(ref: ResolvedAttribute): Scalar {
		const def = ref.subAttribute ?? ref.attribute;
		if (!ref.extension) {
			const name =
				ref.subAttribute === undefined
					? ref.attribute.name
					: `${ref.attribute.name}.${ref.subAttribute.name}`;
			const column = this.target.columns(this.ctx)[name];
			if (column !== undefined) {
				return withKey(columnScalar(sql`${column}`, def), this.target.keyColumns[name]);
			}
			if (name === "meta.location") {
				throw scimErrors.invalidFilter(`"meta.location" cannot be used in this filter.`);
			}
		}
		const path = jsonPath(ref.schema.id, ref.extension, ref.attribute, ref.subAttribute);
		return jsonScalar(this.target.resource, this.ctx.bind(path), def);
	}

	/** The values of a multi-valued attribute, or the one value of a complex attribute. */
	elements(ref: ResolvedAttribute): Elements {
		const side = ref.extension ? undefined : this.target.sideElements[ref.attribute.name];
		if (side !== undefined) {
			return side(this.ctx);
		}
		const resource = this.target.resource;
		const from = ref.attribute.multiValued
			? sql`json_each(${resource}, ${this.ctx.bind(jsonPath(ref.schema.id, ref.extension, ref.attribute))}) as j where j.type <> 'null'`
			: sql`json_each(${resource}, ${this.ctx.bind(containerPath(ref))}) as j where j.key = ${this.ctx.bind(ref.attribute.name)} and j.type <> 'null'`;
		const bind = this.ctx.bind;
		const attribute = ref.attribute;
		return {
			from,
			order: sql`j.key`,
			value: (sub) => {
				if (sub === undefined) {
					if (attribute.type === "complex") {
						return {
							expr: sql`null`,
							kind: "string",
							caseExact: false,
							present: jsonPresent(resource, sql`j.fullkey`),
						};
					}
					const expr = sql`iif(j.type in ('object', 'array'), null, j.value)`;
					return {
						...columnScalar(expr, attribute),
						present: jsonPresent(resource, sql`j.fullkey`),
					};
				}
				const scalar = jsonScalar(
					resource,
					sql`(j.fullkey || ${bind(`.${quote(sub.name)}`)})`,
					sub,
				);
				const key = ref.extension
					? undefined
					: this.target.jsonKeys?.[`${attribute.name}.${sub.name}`];
				return key === undefined ? scalar : withKey(scalar, key(scalar.expr));
			},
		};
	}

	inside(parent: AttributeDef, elements: Elements): Scope {
		return new Scope(this.target, this.ctx, { parent, elements });
	}
}

function unknown(path: AttrPath, target: Target) {
	return scimErrors.invalidFilter(
		`"${printAttrPath(path)}" is not an attribute of ${target.resourceType.name}.`,
	);
}

/**
 * One filter node as SQL. With `twoValued` the result is never NULL (needed under `not`); without
 * it a missing attribute may give NULL, which WHERE reads as false and which keeps plain
 * comparisons such as `user_name_key = ?` usable by an index.
 */
function compile(scope: Scope, filter: Filter, twoValued: boolean): SQL {
	switch (filter.kind) {
		case "and":
		case "or":
			return balanced(
				chain(filter, filter.kind).map((term) => compile(scope, term, twoValued)),
				filter.kind,
			);
		case "not":
			return sql`(not ${compile(scope, filter.filter, true)})`;
		case "present":
			return anyValue(scope, filter.path, (value) => value.present, false);
		case "compare":
			return comparison(scope, filter.path, filter.op, filter.value, twoValued);
		case "valuePath": {
			if (scope.element !== undefined) {
				throw scimErrors.invalidFilter(
					"A value filter cannot be nested inside another value filter.",
				);
			}
			// On a single-valued complex attribute (`manager[value eq "x"]`) it tests the one value.
			const ref = scope.resolve(filter.path);
			const elements = scope.elements(ref);
			const inner = compile(scope.inside(ref.attribute, elements), filter.filter, false);
			const exists = sql`exists (select 1 from ${elements.from} and ${inner})`;
			return withPrefilter(scope, ref, equalValues(filter.filter), exists);
		}
	}
}

/** The terms of a run of the same connective: `a or b or c` is one chain of three. */
function chain(filter: Filter, kind: "and" | "or"): Filter[] {
	return filter.kind === kind
		? [...chain(filter.left, kind), ...chain(filter.right, kind)]
		: [filter];
}

/**
 * The terms joined as a balanced tree: D1 caps an expression's depth at 100, and the parser's
 * left-deep chain of 64 comparisons (plus each comparison's own depth) would pass it; a balanced
 * one is 6 deep. `and` and `or` are associative, so the result is the same.
 */
function balanced(terms: SQL[], kind: "and" | "or"): SQL {
	if (terms.length === 1 && terms[0] !== undefined) {
		return terms[0];
	}
	const middle = Math.ceil(terms.length / 2);
	const left = balanced(terms.slice(0, middle), kind);
	const right = balanced(terms.slice(middle), kind);
	return kind === "and" ? sql`(${left} and ${right})` : sql`(${left} or ${right})`;
}

function comparison(
	scope: Scope,
	path: AttrPath,
	op: CompareOp,
	value: CompareValue,
	twoValued: boolean,
): SQL {
	if (value === null) {
		// `attr eq null` asks for absence (RFC 7644 leaves it open; the evaluator reads it so).
		const present = anyValue(scope, path, (v) => v.present, false);
		if (op === "eq" || op === "ne") {
			return op === "eq" ? sql`(not ${present})` : present;
		}
		throw scimErrors.invalidFilter(`Operator "${op}" cannot compare with null.`);
	}
	if (op === "ne") {
		// "No value equals": true for a missing attribute and for a multi-valued one with no equal value.
		return sql`(not ${anyValue(scope, path, (v) => compare(scope.ctx, v, "eq", value), true)})`;
	}
	const indexed = op === "eq" && typeof value === "string" ? [value] : [];
	return anyValue(scope, path, (v) => compare(scope.ctx, v, op, value), twoValued, indexed);
}

/** Some value of `path` satisfies `test`; `twoValued` turns NULL into false. */
function anyValue(
	scope: Scope,
	path: AttrPath,
	test: (value: Scalar) => SQL,
	twoValued: boolean,
	equalTo: string[] = [],
): SQL {
	const located = scope.locate(path);
	if (located.kind === "scalar") {
		const condition = test(located.scalar);
		return twoValued ? sql`coalesce(${condition}, 0)` : condition;
	}
	const { elements, ref, sub } = located;
	const exists = sql`exists (select 1 from ${elements.from} and ${test(elements.value(sub))})`;
	return sub?.name === "value" ? withPrefilter(scope, ref, equalTo, exists) : exists;
}

/** The `value eq "x"` terms ANDed at the top of a value filter. */
function equalValues(filter: Filter): string[] {
	if (filter.kind === "and") {
		return [...equalValues(filter.left), ...equalValues(filter.right)];
	}
	if (
		filter.kind === "compare" &&
		filter.op === "eq" &&
		typeof filter.value === "string" &&
		filter.path.attribute === "value" &&
		filter.path.subAttribute === undefined
	) {
		return [filter.value];
	}
	return [];
}

/** ANDs the indexed lookup of an `attribute.value` equality in front of the exact condition. */
function withPrefilter(scope: Scope, ref: ResolvedAttribute, values: string[], exact: SQL): SQL {
	const lookup = ref.extension ? undefined : scope.target.indexedValue?.[ref.attribute.name];
	// The side table keeps only non-blank values, so only those can be looked up in it.
	const value = values.find((v) => v.trim() !== "");
	return lookup === undefined || value === undefined
		? exact
		: sql`(${lookup(scope.ctx, value)} and ${exact})`;
}

/** The comparison itself; NULL when the value is missing. */
function compare(ctx: Ctx, column: Scalar, op: CompareOp, value: string | number | boolean): SQL {
	const bound = bind(ctx, column, value);
	const fold = column.kind === "string" && !column.caseExact;
	// A stored key is compared with the operand folded in JS, the same fold, so its index serves.
	const left = fold ? (column.key ?? sql`lower(${column.expr})`) : column.expr;
	const right = !fold
		? bound
		: column.key !== undefined
			? ctx.bind(foldCase(String(value)))
			: sql`lower(${bound})`;
	switch (op) {
		case "eq":
			return sql`${left} = ${right}`;
		case "ne":
			return sql`${left} <> ${right}`;
		case "gt":
			return sql`${left} > ${right}`;
		case "ge":
			return sql`${left} >= ${right}`;
		case "lt":
			return sql`${left} < ${right}`;
		case "le":
			return sql`${left} <= ${right}`;
		case "co":
			return sql`instr(${left}, ${right}) > 0`;
		case "sw":
			return sql`substr(${left}, 1, length(${right})) = ${right}`;
		case "ew":
			return sql`(length(${left}) >= length(${right}) and substr(${left}, length(${left}) - length(${right}) + 1) = ${right})`;
	}
}

function bind(ctx: Ctx, column: Scalar, value: string | number | boolean): SQL {
	switch (column.kind) {
		case "boolean":
			return ctx.bind(value === true ? 1 : 0);
		case "dateTime": {
			const time = typeof value === "string" ? parseDateTime(value) : null;
			if (time === null) {
				throw scimErrors.invalidFilter(`"${value}" is not a dateTime.`);
			}
			return ctx.bind(new Date(time).toISOString());
		}
		case "number":
			return ctx.bind(Number(value));
		case "string":
			return ctx.bind(String(value));
	}
}

function kindOf(def: AttributeDef): { kind: ValueKind; caseExact: boolean } {
	switch (def.type) {
		case "boolean":
			return { kind: "boolean", caseExact: true };
		case "integer":
		case "decimal":
			return { kind: "number", caseExact: true };
		case "dateTime":
			return { kind: "dateTime", caseExact: true };
		default:
			return { kind: "string", caseExact: def.caseExact };
	}
}

/** A value held in a column (or computed from columns). */
function columnScalar(expr: SQL, def: AttributeDef): Scalar {
	const { kind, caseExact } = kindOf(def);
	const present =
		kind === "string" ? sql`(${expr} is not null and ${expr} <> '')` : sql`(${expr} is not null)`;
	return { expr, kind, caseExact, present };
}

function nullScalar(def: AttributeDef): Scalar {
	return { expr: sql`null`, ...kindOf(def), present: sql`0` };
}

/** A value read from the stored resource JSON at `path`. */
function jsonScalar(resource: SQLiteColumn, path: SQL, def: AttributeDef): Scalar {
	const raw = sql`json_extract(${resource}, ${path})`;
	const { kind, caseExact } = kindOf(def);
	// Stored dateTimes may carry any offset; compare them as UTC instants in the stored format.
	const expr = kind === "dateTime" ? sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${raw})` : raw;
	const present =
		def.type === "complex"
			? jsonPresent(resource, path)
			: kind === "string"
				? sql`(${raw} is not null and ${raw} <> '')`
				: sql`(${raw} is not null)`;
	return { expr, kind, caseExact, present };
}

/** Some leaf under `path` is neither null nor "" (RFC 7644 `pr` on complex and multi-valued values). */
function jsonPresent(resource: SQLiteColumn, path: SQL): SQL {
	return sql`exists (select 1 from json_tree(${resource}, ${path}) as t where t.type not in ('object', 'array', 'null') and (t.type <> 'text' or t.atom <> ''))`;
}

/** `$."urn:...:User"."manager"."value"` for the stored resource JSON. */
function jsonPath(
	schemaId: string,
	extension: boolean,
	attribute: AttributeDef,
	subAttribute?: AttributeDef,
): string {
	const parts = [...(extension ? [schemaId] : []), attribute.name, subAttribute?.name];
	return `$${parts.map((part) => (part === undefined ? "" : `.${quote(part)}`)).join("")}`;
}

/** The object holding the attribute: the resource, or its extension object. */
function containerPath(ref: ResolvedAttribute): string {
	return ref.extension ? `$.${quote(ref.schema.id)}` : "$";
}

function quote(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}
