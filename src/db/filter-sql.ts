import { type AnyColumn, asc, desc, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { scimErrors } from "../scim/errors";
import type { AttrPath, CompareOp, CompareValue, Filter } from "../scim/filter/ast";
import { printAttrPath } from "../scim/filter/print";
import {
	type AttributeRef,
	findAttribute,
	type ResolvedAttribute,
	resolveAttribute,
	resolveAttributePath,
} from "../scim/schemas/lookup";
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from "../scim/schemas/resource-types";
import type { AttributeDef, ResourceTypeDef } from "../scim/schemas/types";
import { scimGroupMembers, scimGroups, scimUserEmails, scimUsers } from "./schema";

/**
 * Compiles a validated SCIM filter (RFC 7644 §3.4.2.2) into a parameterised SQL condition over a
 * team's rows. Attributes with their own column (userName, externalId, emails, members, ...) use
 * it and its index; every other attribute is read from the stored resource JSON, so any filter
 * the schema allows runs in SQL and a team is never loaded into memory to filter it.
 *
 * Negation is pushed down to the comparisons (De Morgan) so that an attribute that is missing
 * (SQL NULL) makes `ne` and `not (...)` true, exactly as the in-memory evaluator does.
 */

type ValueKind = "string" | "boolean" | "number" | "dateTime";

/** Where one attribute lives in SQL. */
interface Column {
	expr: SQL | SQLiteColumn;
	kind: ValueKind;
	caseExact: boolean;
}

/** A multi-valued attribute stored in a side table, keyed by the resource id. */
interface SideTable {
	/** `resourceId IN (select owner from table where team = ? and <cond>)`. */
	owner: SQLiteColumn;
	team: SQLiteColumn;
	from: SQL;
	subAttributes: Record<string, Column>;
	/** The sub-attribute compared when a filter names the attribute itself (`emails eq "x"`). */
	defaultSub: string;
}

interface Target {
	resourceType: ResourceTypeDef;
	id: SQLiteColumn;
	resource: SQLiteColumn;
	columns: Record<string, Column>;
	sideTables: Record<string, SideTable>;
}

const USER_TARGET: Target = {
	resourceType: USER_RESOURCE_TYPE,
	id: scimUsers.id,
	resource: scimUsers.resource,
	columns: {
		id: { expr: scimUsers.id, kind: "string", caseExact: true },
		externalId: { expr: scimUsers.externalId, kind: "string", caseExact: true },
		userName: { expr: scimUsers.userName, kind: "string", caseExact: false },
		displayName: { expr: scimUsers.displayName, kind: "string", caseExact: false },
		"name.givenName": { expr: scimUsers.givenName, kind: "string", caseExact: false },
		"name.familyName": { expr: scimUsers.familyName, kind: "string", caseExact: false },
		active: { expr: scimUsers.active, kind: "boolean", caseExact: true },
		"meta.created": { expr: scimUsers.createdAt, kind: "dateTime", caseExact: true },
		"meta.lastModified": { expr: scimUsers.updatedAt, kind: "dateTime", caseExact: true },
	},
	sideTables: {
		emails: {
			owner: scimUserEmails.scimUserId,
			team: scimUserEmails.teamId,
			from: sql`${scimUserEmails}`,
			subAttributes: {
				value: { expr: scimUserEmails.value, kind: "string", caseExact: false },
				type: { expr: scimUserEmails.type, kind: "string", caseExact: false },
				primary: { expr: scimUserEmails.primary, kind: "boolean", caseExact: true },
			},
			defaultSub: "value",
		},
	},
};

const GROUP_TARGET: Target = {
	resourceType: GROUP_RESOURCE_TYPE,
	id: scimGroups.id,
	resource: scimGroups.resource,
	columns: {
		id: { expr: scimGroups.id, kind: "string", caseExact: true },
		externalId: { expr: scimGroups.externalId, kind: "string", caseExact: true },
		displayName: { expr: scimGroups.displayName, kind: "string", caseExact: false },
		"meta.created": { expr: scimGroups.createdAt, kind: "dateTime", caseExact: true },
		"meta.lastModified": { expr: scimGroups.updatedAt, kind: "dateTime", caseExact: true },
	},
	sideTables: {
		members: {
			owner: scimGroupMembers.groupId,
			team: scimGroupMembers.teamId,
			from: sql`${scimGroupMembers}`,
			subAttributes: {
				value: { expr: scimGroupMembers.scimUserId, kind: "string", caseExact: true },
				type: { expr: sql`'User'`, kind: "string", caseExact: false },
			},
			defaultSub: "value",
		},
	},
};

/** The SQL condition for a validated filter over the team's Users. */
export function userFilterSql(filter: Filter, teamId: string): SQL {
	return compile(USER_TARGET, filter, teamId, false);
}

/** The SQL condition for a validated filter over the team's Groups. */
export function groupFilterSql(filter: Filter, teamId: string): SQL {
	return compile(GROUP_TARGET, filter, teamId, false);
}

/** ORDER BY for a Users list: `sortBy` (RFC 7644 §3.4.2.3), then creation order and id, so pages are stable. */
export function userOrderBy(
	sortBy: string | undefined,
	sortOrder: "ascending" | "descending",
): SQL[] {
	return orderBy(USER_TARGET, sortBy, sortOrder, [scimUsers.createdAt, scimUsers.id]);
}

/** ORDER BY for a Groups list. */
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
	if (
		!ref?.attribute ||
		ref.attribute.multiValued ||
		(ref.attribute.type === "complex" && !ref.subAttribute)
	) {
		throw scimErrors.invalidValue(
			`sortBy "${sortBy}" is not a single-valued attribute of ${target.resourceType.name}.`,
		);
	}
	const column = locate(target, ref);
	const key =
		column.caseExact || column.kind !== "string" ? sql`${column.expr}` : sql`lower(${column.expr})`;
	// RFC 7644 §3.4.2.3: resources without the attribute sort last in ascending order.
	const nullsLast = sql`${column.expr} is null`;
	return sortOrder === "descending"
		? [sql`${nullsLast} desc`, desc(key), ...tiebreak]
		: [asc(nullsLast), asc(key), ...tiebreak];
}

function compile(target: Target, filter: Filter, teamId: string, negate: boolean): SQL {
	switch (filter.kind) {
		case "and":
		case "or": {
			const left = compile(target, filter.left, teamId, negate);
			const right = compile(target, filter.right, teamId, negate);
			const joinAnd = (filter.kind === "and") !== negate;
			return joinAnd ? sql`(${left} and ${right})` : sql`(${left} or ${right})`;
		}
		case "not":
			return compile(target, filter.filter, teamId, !negate);
		case "present":
		case "compare":
			return leaf(target, filter, teamId, negate);
		case "valuePath":
			return valuePath(target, filter.path, filter.filter, teamId, negate);
	}
}

type Leaf = Extract<Filter, { kind: "present" | "compare" }>;

function leaf(target: Target, filter: Leaf, teamId: string, negate: boolean): SQL {
	const ref = resolve(target, filter.path);
	const side = sideTableOf(target, ref);
	if (side) {
		const sub = ref.subAttribute?.name ?? side.table.defaultSub;
		const column = side.table.subAttributes[sub];
		if (!column) {
			return negate ? sql`1` : sql`0`;
		}
		return ownedBy(target, side.table, teamId, condition(column, filter), negate);
	}
	const attribute = ref.attribute as AttributeDef;
	if (attribute.multiValued && !ownColumn(target, ref)) {
		// `phoneNumbers.value eq "x"`, or `phoneNumbers eq "x"` meaning its `value`: any one value matches.
		const sub =
			ref.subAttribute ??
			(attribute.type === "complex" ? findAttribute(attribute?.subAttributes, "value") : undefined);
		const element: Column = sub
			? { expr: sql`json_extract(j.value, ${`$.${quote(sub.name)}`})`, ...kindOf(sub) }
			: { expr: sql`j.value`, ...kindOf(attribute) };
		return jsonElements(
			target,
			{ ...ref, subAttribute: undefined },
			condition(element, filter),
			negate,
		);
	}
	return twoValued(condition(locate(target, ref), filter), negate);
}

/** `emails[type eq "work" and value co "@x"]`: some one value satisfies the inner filter. */
function valuePath(
	target: Target,
	path: AttrPath,
	inner: Filter,
	teamId: string,
	negate: boolean,
): SQL {
	const ref = resolve(target, path);
	const side = sideTableOf(target, ref);
	if (side) {
		const cond = compileInner(inner, (sub) => side.table.subAttributes[sub] ?? null);
		return ownedBy(target, side.table, teamId, cond, negate);
	}
	const attribute = ref.attribute;
	if (!attribute?.multiValued) {
		// A value filter on a single-valued complex attribute tests that one value.
		const parent = jsonPath(ref);
		return twoValued(
			compileInner(inner, (sub) =>
				jsonColumn(target, `${parent}.${quote(sub)}`, findAttribute(attribute?.subAttributes, sub)),
			),
			negate,
		);
	}
	const cond = compileInner(inner, (sub) => ({
		expr: sql`json_extract(j.value, ${`$.${quote(sub)}`})`,
		...kindOf(findAttribute(attribute?.subAttributes, sub)),
	}));
	return jsonElements(target, ref, cond, negate);
}

/** Compiles the filter inside brackets against the sub-attributes of one value. */
function compileInner(filter: Filter, columnOf: (sub: string) => Column | null): SQL {
	switch (filter.kind) {
		case "and":
			return sql`(${compileInner(filter.left, columnOf)} and ${compileInner(filter.right, columnOf)})`;
		case "or":
			return sql`(${compileInner(filter.left, columnOf)} or ${compileInner(filter.right, columnOf)})`;
		case "not":
			return sql`not coalesce(${compileInner(filter.filter, columnOf)}, 0)`;
		case "valuePath":
			throw scimErrors.invalidFilter(
				"A value filter cannot be nested inside another value filter.",
			);
		case "present":
		case "compare": {
			const sub = filter.path.subAttribute ?? filter.path.attribute;
			const column = columnOf(sub);
			return column ? sql`coalesce(${condition(column, filter)}, 0)` : sql`0`;
		}
	}
}

/** The comparison itself; NULL when the attribute is missing (made two-valued by the caller). */
function condition(column: Column, filter: Leaf): SQL {
	if (filter.kind === "present") {
		return column.kind === "string"
			? sql`(${column.expr} is not null and ${column.expr} <> '')`
			: sql`(${column.expr} is not null)`;
	}
	return compare(column, filter.op, filter.value);
}

function compare(column: Column, op: CompareOp, value: CompareValue): SQL {
	if (value === null) {
		// `attr eq null` asks for absence; RFC 7644 leaves it open, we read it as "not present".
		if (op === "eq") {
			return sql`(${column.expr} is null)`;
		}
		if (op === "ne") {
			return sql`(${column.expr} is not null)`;
		}
		throw scimErrors.invalidFilter(`Operator "${op}" cannot compare with null.`);
	}
	const bound = bind(column, value);
	const left =
		column.kind === "string" && !column.caseExact
			? sql`lower(${column.expr})`
			: sql`${column.expr}`;
	const right =
		column.kind === "string" && !column.caseExact ? sql`lower(${bound})` : sql`${bound}`;
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
			return sql`(length(${left}) >= length(${right}) and substr(${left}, -length(${right})) = ${right})`;
	}
}

function bind(column: Column, value: string | number | boolean): SQL {
	switch (column.kind) {
		case "boolean":
			return sql`${value === true ? 1 : 0}`;
		case "dateTime": {
			const time = Date.parse(String(value));
			if (Number.isNaN(time)) {
				throw scimErrors.invalidFilter(`"${value}" is not a dateTime.`);
			}
			return sql`${new Date(time).toISOString()}`;
		}
		case "number":
			return sql`${Number(value)}`;
		case "string":
			return sql`${String(value)}`;
	}
}

/** Turns a possibly-NULL condition into true/false, negated when asked. */
function twoValued(cond: SQL, negate: boolean): SQL {
	return negate ? sql`not coalesce(${cond}, 0)` : cond;
}

function ownedBy(
	target: Target,
	table: SideTable,
	teamId: string,
	cond: SQL,
	negate: boolean,
): SQL {
	const subquery = sql`select ${table.owner} from ${table.from} where ${table.team} = ${teamId} and ${cond}`;
	return negate ? sql`${target.id} not in (${subquery})` : sql`${target.id} in (${subquery})`;
}

/** Some value of a multi-valued attribute in the resource JSON (each as `j.value`) satisfies `cond`. */
function jsonElements(target: Target, ref: AttributeRef, cond: SQL, negate: boolean): SQL {
	const exists = sql`exists (select 1 from json_each(${target.resource}, ${jsonPath(ref)}) as j where coalesce(${cond}, 0))`;
	return negate ? sql`not ${exists}` : exists;
}

function resolve(target: Target, path: AttrPath): ResolvedAttribute {
	const ref = resolveAttributePath(target.resourceType, path);
	if (ref === undefined) {
		throw scimErrors.invalidFilter(
			`"${printAttrPath(path)}" is not an attribute of ${target.resourceType.name}.`,
		);
	}
	return ref;
}

function sideTableOf(target: Target, ref: AttributeRef): { table: SideTable } | null {
	if (ref.extension || !ref.attribute) {
		return null;
	}
	const table = target.sideTables[ref.attribute.name];
	return table ? { table } : null;
}

function ownColumn(target: Target, ref: AttributeRef): Column | undefined {
	if (ref.extension || !ref.attribute) {
		return undefined;
	}
	const key = ref.subAttribute
		? `${ref.attribute.name}.${ref.subAttribute.name}`
		: ref.attribute.name;
	return target.columns[key];
}

/** Where a single-valued attribute lives: its own column, or the resource JSON. */
function locate(target: Target, ref: AttributeRef): Column {
	return (
		ownColumn(target, ref) ?? jsonColumn(target, jsonPath(ref), ref.subAttribute ?? ref.attribute)
	);
}

function jsonColumn(target: Target, path: string, def: AttributeDef | undefined): Column {
	return { expr: sql`json_extract(${target.resource}, ${path})`, ...kindOf(def) };
}

/** `$."urn:...:User"."manager"."value"` for the stored resource JSON. */
function jsonPath(ref: AttributeRef): string {
	const parts = [
		...(ref.extension ? [ref.schema.id] : []),
		...(ref.attribute ? [ref.attribute.name] : []),
		...(ref.subAttribute ? [ref.subAttribute.name] : []),
	];
	return `$${parts.map((p) => `.${quote(p)}`).join("")}`;
}

function quote(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

function kindOf(def: AttributeDef | undefined): { kind: ValueKind; caseExact: boolean } {
	switch (def?.type) {
		case "boolean":
			return { kind: "boolean", caseExact: true };
		case "integer":
		case "decimal":
			return { kind: "number", caseExact: true };
		case "dateTime":
			return { kind: "dateTime", caseExact: true };
		default:
			return { kind: "string", caseExact: def?.caseExact ?? false };
	}
}
