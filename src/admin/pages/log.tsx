import type { FC } from "hono/jsx";
import type { ProvisioningEventRow } from "../../db/schema";
import { Time } from "../layout";
import { type ShownChange, shownChanges } from "../log-changes";

export interface LogFilters {
	action: string;
	user: string;
	key: string;
}

export interface LogProps {
	events: ProvisioningEventRow[];
	filters: LogFilters;
	actions: string[];
	keys: { id: string; name: string }[];
	/** Names for actor ids: SCIM keys and admin accounts. */
	actorNames: Map<string, string>;
	/** The email of the person each event is about, by event id, where there is one. */
	emails: Map<number, string>;
	/** The `before` cursor of the next (older) page, or null on the last page. */
	nextBefore: number | null;
	firstPage: boolean;
}

/** Every SCIM and admin action, newest first, filterable, 50 a page. */
export const LogPage: FC<LogProps> = (p) => {
	const query = filterQuery(p.filters);
	return (
		<>
			<form method="get" action="/admin/log" class="filters">
				<label>
					Action
					<select name="action">
						<option value="">any</option>
						{p.actions.map((a) => (
							<option value={a} selected={a === p.filters.action}>
								{a}
							</option>
						))}
					</select>
				</label>
				<label>
					User (name or id contains)
					<input type="text" name="user" value={p.filters.user} maxlength={200} />
				</label>
				<label>
					SCIM key
					<select name="key">
						<option value="">any</option>
						{p.keys.map((k) => (
							<option value={k.id} selected={k.id === p.filters.key}>
								{k.name} ({k.id.slice(0, 8)}…)
							</option>
						))}
					</select>
				</label>
				<button type="submit">Filter</button>
				<a href="/admin/log">Clear</a>
				<a href={`/admin/log.csv${query ? `?${query}` : ""}`}>Export CSV</a>
			</form>
			{p.events.length === 0 ? (
				<p class="muted">No events{query ? " match these filters" : " yet"}.</p>
			) : (
				<table class="log grid">
					<thead>
						<tr>
							<th>When</th>
							<th>By</th>
							<th>Action</th>
							<th>Person or item</th>
							<th>Outcome</th>
							<th>Changes</th>
							<th />
						</tr>
					</thead>
					<tbody>
						{p.events.map((e) => (
							<tr data-event={String(e.id)}>
								<td data-label="When">
									<Time iso={e.at} />
								</td>
								<td data-label="By">{actorLabel(e, p.actorNames)}</td>
								<td data-label="Action">
									<code>{e.action}</code>
								</td>
								<td class="wide" data-label="Person or item">
									<Target event={e} email={p.emails.get(e.id) ?? null} />
								</td>
								<td data-label="Outcome">
									<Outcome event={e} />
								</td>
								<td class="wide" data-label="Changes">
									<ChangeSummary changes={shownChanges(e.changes)} />
								</td>
								<td>
									<a href={`/admin/log/${e.id}`}>Details</a>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			<p>
				{!p.firstPage && <a href={`/admin/log${query ? `?${query}` : ""}`}>← Newest</a>}{" "}
				{p.nextBefore !== null && (
					<a href={`/admin/log?${query ? `${query}&` : ""}before=${p.nextBefore}`}>Older →</a>
				)}
			</p>
		</>
	);
};

const SUMMARY_MAX = 3;

const Target: FC<{ event: ProvisioningEventRow; email: string | null }> = ({ event: e, email }) => (
	<>
		{e.targetLabel && <div>{e.targetLabel}</div>}
		{email && email !== e.targetLabel && <div>{email}</div>}
		{!e.targetLabel && !email && e.targetId && (
			<div class="muted small">
				{e.targetType ?? "id"} <code>{e.targetId}</code>
			</div>
		)}
	</>
);

const Outcome: FC<{ event: ProvisioningEventRow }> = ({ event: e }) => (
	<>
		<span class={e.outcome === "success" ? "status-active" : "status-revoked"}>
			{e.outcome} ({e.status})
		</span>
		{e.outcome === "failure" && e.detail && <div class="small">{e.detail}</div>}
	</>
);

const ChangeSummary: FC<{ changes: ShownChange[] }> = ({ changes }) => {
	const shown = changes.slice(0, SUMMARY_MAX);
	return (
		<>
			{shown.map((c) => (
				<div>
					{c.hasValues ? (
						<>
							{c.label}: <ChangeValues change={c} />
						</>
					) : (
						c.label
					)}
				</div>
			))}
			{changes.length > SUMMARY_MAX && (
				<div class="muted small">and {changes.length - SUMMARY_MAX} more</div>
			)}
		</>
	);
};

/** "old → new", with a dash for a value that was not there. */
const ChangeValues: FC<{ change: ShownChange }> = ({ change: c }) => (
	<>
		<span class="change-old">{c.before ?? "—"}</span> →{" "}
		<span class="change-new">{c.after ?? "—"}</span>
	</>
);

/** One event with everything the log knows about it. */
export const LogEventPage: FC<{
	event: ProvisioningEventRow;
	actor: string;
	email: string | null;
}> = ({ event: e, actor, email }) => {
	const changes = shownChanges(e.changes);
	return (
		<>
			<p>
				<a href="/admin/log">← Provisioning log</a>
			</p>
			<dl class="fields">
				<dt>When</dt>
				<dd>
					<Time iso={e.at} />
				</dd>
				<dt>By</dt>
				<dd>{actor}</dd>
				<dt>Action</dt>
				<dd>
					<code>{e.action}</code>
				</dd>
				{e.targetType && (
					<>
						<dt>{e.targetType === "ScimKey" ? "SCIM key" : e.targetType}</dt>
						<dd>
							{e.targetLabel && <div>{e.targetLabel}</div>}
							{e.targetId && (
								<div class="muted small">
									<code>{e.targetId}</code>
								</div>
							)}
						</dd>
					</>
				)}
				{email && (
					<>
						<dt>Email</dt>
						<dd>{email}</dd>
					</>
				)}
				<dt>Outcome</dt>
				<dd>
					<span class={e.outcome === "success" ? "status-active" : "status-revoked"}>
						{e.outcome} ({e.status})
					</span>
				</dd>
				{e.detail && (
					<>
						<dt>Detail</dt>
						<dd>{e.detail}</dd>
					</>
				)}
			</dl>
			<h2>Changes</h2>
			{changes.length === 0 ? (
				<p class="muted">No attribute changes recorded.</p>
			) : (
				<table>
					<thead>
						<tr>
							<th>Attribute</th>
							<th>Before</th>
							<th>After</th>
						</tr>
					</thead>
					<tbody>
						{changes.map((c) => (
							<tr>
								<td data-label="Attribute">{c.label}</td>
								<td data-label="Before">
									{c.hidden ? (
										<span class="muted">not shown</span>
									) : c.hasValues ? (
										<span class="change-old">{c.before ?? "—"}</span>
									) : (
										<span class="muted">not recorded</span>
									)}
								</td>
								<td data-label="After">
									{c.hidden ? (
										<span class="muted">changed (secret, not shown)</span>
									) : c.hasValues ? (
										<span class="change-new">{c.after ?? "—"}</span>
									) : (
										<span class="muted">not recorded</span>
									)}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</>
	);
};

/** "SCIM key Okta", "admin a@b.c", "service". */
export function actorLabel(
	event: Pick<ProvisioningEventRow, "actorType" | "actorId">,
	names: Map<string, string>,
): string {
	const name = event.actorId ? (names.get(event.actorId) ?? event.actorId) : null;
	const type = event.actorType === "scim_key" ? "SCIM key" : event.actorType;
	return name ? `${type} ${name}` : type;
}

/** The filters as a query string, without empty ones. */
export function filterQuery(filters: LogFilters): string {
	const params = new URLSearchParams();
	for (const [name, value] of Object.entries(filters)) {
		if (value) {
			params.set(name, value);
		}
	}
	return params.toString();
}
