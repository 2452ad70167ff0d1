// `npm run admin-link -- <teamId> <email> [--url http://localhost:8787]`: prints a single-use,
// 15-minute login link to a team's admin page, minted by the service API of a running scim-edge
// (`npm start`, or a deployment with --url) with the SERVICE_TOKEN from .dev.vars (or the
// SERVICE_TOKEN environment variable).
import { existsSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
const urlFlag = args.indexOf("--url");
const base = (urlFlag >= 0 ? args.splice(urlFlag, 2)[1] : undefined) ?? "http://localhost:8787";
const [teamId, email] = args;
if (!teamId || !email) {
	console.error("usage: npm run admin-link -- <teamId> <email> [--url http://localhost:8787]");
	process.exit(2);
}

const token = process.env.SERVICE_TOKEN ?? readDevVar("SERVICE_TOKEN");
if (!token) {
	console.error(
		"No SERVICE_TOKEN: set it in the environment or run `npm start` once to write .dev.vars.",
	);
	process.exit(2);
}

let res;
try {
	res = await fetch(`${base.replace(/\/+$/, "")}/api/v1/admin-login-links`, {
		method: "POST",
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
		body: JSON.stringify({ teamId, email }),
	});
} catch (error) {
	console.error(
		`Could not reach ${base}: ${error.cause?.message ?? error.message}. Is it running?`,
	);
	process.exit(1);
}
const body = await res.json().catch(() => null);
if (res.status !== 201) {
	console.error(`${res.status}: ${body?.error?.message ?? "the service API refused the request"}`);
	process.exit(1);
}
console.log(body.url);
console.error(`Works once, until ${body.expiresAt}.`);

function readDevVar(name) {
	if (!existsSync(".dev.vars")) {
		return undefined;
	}
	for (const line of readFileSync(".dev.vars", "utf8").split("\n")) {
		const eq = line.indexOf("=");
		if (eq > 0 && line.slice(0, eq).trim() === name) {
			return line.slice(eq + 1).trim();
		}
	}
	return undefined;
}
