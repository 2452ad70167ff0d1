// `npm run admin-link -- <teamId> <email> [--port N | --url https://host]`: prints a single-use,
// 15-minute login link to a team's admin page, minted by the service API of a running scim-edge
// (`npm start` on port 8787 or --port N, or a deployment with --url) with the SERVICE_TOKEN from
// .dev.vars (or the SERVICE_TOKEN environment variable).
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const USAGE = "usage: npm run admin-link -- <teamId> <email> [--port 8787 | --url https://host]";

/** `{ teamId, email, base }` from the arguments; throws with the usage line when they are wrong. */
export function parseAdminLinkArgs(args) {
	const positional = [];
	let base = "http://localhost:8787";
	for (let i = 0; i < args.length; i++) {
		if (args[i] === "--url" && args[i + 1]) {
			base = args[++i].replace(/\/+$/, "");
		} else if (args[i] === "--port" && /^\d+$/.test(args[i + 1] ?? "")) {
			base = `http://localhost:${args[++i]}`;
		} else if (args[i].startsWith("--")) {
			throw new Error(USAGE);
		} else {
			positional.push(args[i]);
		}
	}
	const [teamId, email, ...rest] = positional;
	if (!teamId || !email || rest.length > 0) {
		throw new Error(USAGE);
	}
	return { teamId, email, base };
}

async function main() {
	let parsed;
	try {
		parsed = parseAdminLinkArgs(process.argv.slice(2));
	} catch (error) {
		console.error(error.message);
		process.exit(2);
	}
	const { teamId, email, base } = parsed;
	const token = process.env.SERVICE_TOKEN ?? readDevVar("SERVICE_TOKEN");
	if (!token) {
		console.error(
			"No SERVICE_TOKEN: set it in the environment or run `npm start` once to write .dev.vars.",
		);
		process.exit(2);
	}

	let res;
	try {
		res = await fetch(`${base}/api/v1/admin-login-links`, {
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
		console.error(
			`${res.status}: ${body?.error?.message ?? "the service API refused the request"}`,
		);
		process.exit(1);
	}
	console.log(body.url);
	console.error(`Works once, until ${body.expiresAt}.`);
}

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

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	await main();
}
