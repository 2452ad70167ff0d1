import type { FC } from "hono/jsx";
import type { ProvisioningEventRow } from "../../db/schema";
import { formatTime } from "../layout";

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
				<table>
					<thead>
						<tr>
							<th>When</th>
							<th>Actor</th>
							<th>Action</th>
							<th>Target</th>
							<th>Outcome</th>
							<th>Changed</th>
							<th>Detail</th>
						</tr>
					</thead>
					<tbody>
						{p.events.map((e) => (
							<tr>
								<td>{formatTime(e.at)}</td>
								<td>{actorLabel(e, p.actorNames)}</td>
								<td>
									<code>{e.action}</code>
								</td>
								<td>
									{e.targetLabel ?? ""}
									{e.targetId && (
										<div class="muted">
											<code>{e.targetId}</code>
										</div>
									)}
								</td>
								<td class={e.outcome === "success" ? "status-active" : "status-revoked"}>
									{e.outcome} ({e.status})
								</td>
								<td>{(e.changes ?? []).join(", ")}</td>
								<td>{e.detail ?? ""}</td>
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
