import type { Child, FC, PropsWithChildren } from "hono/jsx";
import { CSRF_FIELD } from "./csrf";

/** What the pages know about the signed-in admin (absent on sign-in and error pages). */
export interface LayoutAdmin {
	email: string;
	teamName: string;
	csrf: string;
}

const CSS = `
:root{color-scheme:light dark;--fg:#1c1e21;--muted:#5f6368;--bg:#fff;--panel:#f6f7f9;--line:#d9dce1;--accent:#2557d6;--bad:#b3261e;--good:#1e7b34;--warn:#8a5a00}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--muted:#a0a4a8;--bg:#17181a;--panel:#212326;--line:#3a3d42;--accent:#7aa2ff;--bad:#ff8a80;--good:#81c995;--warn:#f2c14e}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:break-word}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding:.75rem 1.5rem;border-bottom:1px solid var(--line);background:var(--panel)}
header .who{color:var(--muted);font-size:.9rem}header form{display:inline;margin-left:.75rem}
nav{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;padding:.5rem 1.5rem;border-bottom:1px solid var(--line)}nav a{text-decoration:none;color:var(--muted);padding:.25rem 0}nav a[aria-current=page]{color:var(--fg);font-weight:600;border-bottom:2px solid var(--accent)}
main{max-width:72rem;padding:1rem 1.5rem 3rem}h1{font-size:1.4rem;margin:.5rem 0 1rem}h2{font-size:1.1rem;margin:1.75rem 0 .5rem}
.crumbs{color:var(--muted);font-size:.85rem}
a{color:var(--accent)}code,.token{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
.token{display:block;padding:.75rem;background:var(--panel);border:1px solid var(--line);border-radius:6px;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}th{color:var(--muted);font-weight:600}
.notice,.error,.ok,.warn{padding:.6rem .8rem;border-radius:6px;margin:.75rem 0;border:1px solid var(--line)}.error{border-color:var(--bad);color:var(--bad)}.ok{border-color:var(--good);color:var(--good)}.warn{border-color:var(--warn);color:var(--warn)}.notice{background:var(--panel)}
.good{color:var(--good)}.status-active,.status-on{color:var(--good);font-weight:600}.status-expiring{color:var(--warn);font-weight:600}.status-expired,.status-revoked,.status-off{color:var(--muted)}
form.inline{display:inline-flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:0 .4rem .2rem 0}form.inline label{display:inline-flex;flex-wrap:wrap;gap:.4rem;align-items:center}
time span,.nowrap{white-space:nowrap}
.token{margin-bottom:.5rem}form button+a{margin-left:.75rem}
input[type=text],input[type=date],select{font:inherit;padding:.3rem .45rem;border:1px solid var(--line);border-radius:5px;background:var(--bg);color:var(--fg);max-width:100%}
button{font:inherit;padding:.3rem .8rem;border-radius:5px;border:1px solid var(--line);background:var(--panel);color:var(--fg);cursor:pointer}button.primary{background:var(--accent);border-color:var(--accent);color:#fff}button.danger,a.button.danger{border-color:var(--bad);color:var(--bad)}a.button{display:inline-block;padding:.3rem .8rem;border-radius:5px;border:1px solid var(--line);background:var(--panel);text-decoration:none}button:disabled{opacity:.5;cursor:not-allowed}
.muted{color:var(--muted)}.small{font-size:.85rem}.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end;margin-bottom:1rem}.filters label{display:flex;flex-direction:column;gap:.15rem;font-size:.85rem;color:var(--muted)}.filters input,.filters select,.filters button{height:2.1rem}.filters a{line-height:2.1rem}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0 0 1rem}dl.fields dt{color:var(--muted)}dl.fields dd{margin:0}
.change-old{color:var(--bad)}.change-new{color:var(--good)}
table.log{table-layout:fixed}table.log td{overflow-wrap:anywhere}table.log code{white-space:nowrap}
table.log th:nth-child(1){width:7.5rem}table.log th:nth-child(2){width:12%}table.log th:nth-child(3){width:8.5rem}table.log th:nth-child(4){width:25%}table.log th:nth-child(5){width:20%}table.log th:nth-child(7){width:4.5rem}
@media (max-width:40rem){
header,nav{padding-left:1rem;padding-right:1rem}header form{margin-left:0}main{padding:.75rem 1rem 2rem}
table,tbody,tr,td{display:block;width:100%}thead{display:none}
tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem;padding:.35rem .6rem}td{border:0;padding:.2rem 0}
td[data-label]::before{content:attr(data-label);display:block;color:var(--muted);font-size:.8rem;font-weight:600}
table.grid tr{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);grid-auto-flow:dense;gap:0 .75rem}table.grid td{min-width:0;overflow-wrap:anywhere}table.grid td.wide{grid-column:1/-1}td:empty{display:none}
dl.fields{grid-template-columns:1fr}dl.fields dd{margin-bottom:.4rem}
}
`;

// Progressive enhancement: copy buttons are hidden until this script runs.
const COPY_SCRIPT = `document.querySelectorAll("button[data-copy]").forEach(function(b){b.hidden=false;b.addEventListener("click",function(){var t=document.getElementById(b.getAttribute("data-copy"));if(t&&navigator.clipboard){navigator.clipboard.writeText(t.textContent.trim()).then(function(){b.textContent="Copied"})}})})`;

/** The tabs, each with the path prefixes of the pages under it (its confirm and answer pages). */
const NAV: { href: string; label: string; prefixes: string[] }[] = [
	{ href: "/admin", label: "Authentication", prefixes: ["/admin/scim"] },
	{ href: "/admin/keys", label: "SCIM keys", prefixes: ["/admin/keys/"] },
	{ href: "/admin/members", label: "Members", prefixes: ["/admin/members/", "/admin/invites/"] },
	{ href: "/admin/log", label: "Provisioning log", prefixes: ["/admin/log/", "/admin/log."] },
];

/** The tab a page belongs to, for highlighting it on every page of that tab. */
export function currentTab(path: string | undefined): string | undefined {
	const bare = path && path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
	return NAV.find((t) => t.href === bare || t.prefixes.some((p) => bare?.startsWith(p)))?.href;
}

/** The whole HTML document around a page. */
export const Document: FC<
	PropsWithChildren<{ title: string; nonce?: string; admin?: LayoutAdmin; path?: string }>
> = ({ title, nonce, admin, path, children }) => (
	<html lang="en">
		<head>
			<meta charset="utf-8" />
			<meta name="viewport" content="width=device-width, initial-scale=1" />
			<meta name="robots" content="noindex" />
			<title>{`${title} · scim-edge`}</title>
			<style nonce={nonce} dangerouslySetInnerHTML={{ __html: CSS }} />
		</head>
		<body>
			<header>
				<div>
					<strong>{admin ? admin.teamName : "scim-edge"}</strong>
					<span class="crumbs"> · Team settings → Authentication → SCIM provisioning</span>
				</div>
				{admin && (
					<div class="who">
						Signed in as {admin.email}
						<form method="post" action="/admin/logout">
							<CsrfField token={admin.csrf} />
							<button type="submit">Sign out</button>
						</form>
					</div>
				)}
			</header>
			{admin && (
				<nav>
					{NAV.map(({ href, label }) => (
						<a href={href} aria-current={currentTab(path) === href ? "page" : undefined}>
							{label}
						</a>
					))}
				</nav>
			)}
			<main>
				<h1>{title}</h1>
				{children}
			</main>
			<script nonce={nonce} dangerouslySetInnerHTML={{ __html: COPY_SCRIPT }} />
		</body>
	</html>
);

/** The hidden field that carries the session's CSRF token in every form. */
export const CsrfField: FC<{ token: string }> = ({ token }) => (
	<input type="hidden" name={CSRF_FIELD} value={token} />
);

/** A value shown in a box, with a copy button when JavaScript runs. */
export const Copyable: FC<{ id: string; value: string }> = ({ id, value }) => (
	<div>
		<code class="token" id={id}>
			{value}
		</code>
		<button type="button" data-copy={id} hidden>
			Copy
		</button>
	</div>
);

/** A message box: errors in red, confirmations in green, warnings in amber. */
export const Message: FC<{ kind: "error" | "ok" | "warn" | "notice"; children?: Child }> = ({
	kind,
	children,
}) => (
	<div class={kind} role={kind === "error" ? "alert" : "status"}>
		{children}
	</div>
);

/** An ISO time as a short UTC string that wraps only between date and time; a dash for none. */
export const Time: FC<{ iso: string | null | undefined }> = ({ iso }) => {
	if (!iso) {
		return <>—</>;
	}
	const [date, time] = formatTime(iso).split(" ", 2);
	return (
		<time datetime={iso}>
			<span>{date}</span> <span>{`${time} UTC`}</span>
		</time>
	);
};

/** An ISO time as a short UTC string; a dash for none. */
export function formatTime(iso: string | null | undefined): string {
	if (!iso) {
		return "—";
	}
	return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}
