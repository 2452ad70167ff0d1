// `npm start [-- --port N]` (or PORT=N): runs scim-edge locally on `wrangler dev` with a seeded
// demo team. Needs nothing but `npm install` (and runs through scripts/node22.mjs, so an old Node
// is taken care of first): it checks that the port is free, writes .dev.vars with random secrets
// if missing, applies the local D1 migrations, starts wrangler dev, seeds the demo team through the
// service API (one SSO method, SCIM on, a SCIM key kept across restarts) and prints the SCIM base
// URL, the key, curls to try and a login link to the demo team's admin page.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const DEFAULT_PORT = 8787;
const DEMO_FILE = ".wrangler/demo-team.json";
const DEMO_EMAIL = "admin@demo.example";
const TEAM_NAME = "Demo Team";

/** The port from `--port N` / `--port=N`, else PORT, else 8787; throws with a usage message. */
export function parsePort(args, env) {
	let value = env.PORT;
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (arg === "--port") {
			value = args[++i] ?? "";
			if (value === "") {
				throw new Error("--port needs a number. Usage: npm start -- --port 8787");
			}
		} else if (arg.startsWith("--port=")) {
			value = arg.slice("--port=".length);
		} else {
			throw new Error(`Unknown argument "${arg}". Usage: npm start [-- --port 8787]`);
		}
	}
	if (value === undefined || value === "") {
		return DEFAULT_PORT;
	}
	const port = Number(value);
	if (!/^\d+$/.test(String(value)) || port < 1 || port > 65535) {
		throw new Error(
			`"${value}" is not a port number (1 to 65535). Usage: npm start -- --port 8787`,
		);
	}
	return port;
}

/** The admin-link command for this server, as it must be typed to reach it. */
export function adminLinkCommand(teamId, email, port) {
	const portFlag = port === DEFAULT_PORT ? "" : ` --port ${port}`;
	return `npm run admin-link -- ${teamId} ${email}${portFlag}`;
}

/** Whether a /healthz answer comes from scim-edge (and not another program on the port). */
export function isScimEdgeHealth(status, body) {
	if (status !== 200) {
		return false;
	}
	try {
		return JSON.parse(body).service === "scim-edge";
	} catch {
		return false;
	}
}

/** What `wrangler d1 migrations apply` did, in one line per migration applied. */
export function migrationSummary(output) {
	const names = [...new Set(output.match(/\b\d{4}_[\w-]+\.sql\b/g) ?? [])];
	if (names.length === 0) {
		return ["Local database: migrations up to date."];
	}
	return names.map((name) => `Local database: applied ${name}`);
}

/** The text printed once scim-edge runs; `address` makes the example create new each run. */
export function banner({
	origin,
	port,
	teamId,
	token,
	keyReused,
	adminLink,
	serviceToken,
	address,
}) {
	const user = JSON.stringify({
		schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
		userName: address,
		name: { givenName: "Ada", familyName: "Lovelace" },
		emails: [{ value: address, primary: true }],
	});
	return `
────────────────────────────────────────────────────────────────────────
 scim-edge is running at ${origin}

 Demo team:      ${TEAM_NAME} (${teamId})
 SCIM base URL:  ${origin}/scim/v2
 SCIM key:       ${token}
                 (${keyReused ? "the same as last time" : "new"}; kept in ${DEMO_FILE} across restarts)
 Admin page:     ${adminLink}
                 (for ${DEMO_EMAIL}; works once, for 15 minutes)
 Another link:   ${adminLinkCommand(teamId, DEMO_EMAIL, port)}
 Service token:  ${serviceToken}   (for /api/v1, from .dev.vars)

 Try it:
   curl -s -H "Authorization: Bearer ${token}" ${origin}/scim/v2/Users
   curl -s -X POST -H "Authorization: Bearer ${token}" -H "Content-Type: application/scim+json" \\
     -d '${user}' \\
     ${origin}/scim/v2/Users
────────────────────────────────────────────────────────────────────────
`;
}

/** Whether something already listens on 127.0.0.1:port (where wrangler dev will listen). */
export function portInUse(port) {
	return new Promise((done) => {
		const server = createServer();
		server.once("error", (error) => done(error.code === "EADDRINUSE" || error.code === "EACCES"));
		server.once("listening", () => server.close(() => done(false)));
		server.listen(port, "127.0.0.1");
	});
}

async function fetchText(url, init = {}) {
	const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
	return { status: res.status, ok: res.ok, text: await res.text() };
}

async function isScimEdgeAt(origin) {
	try {
		const { status, text } = await fetchText(`${origin}/healthz`);
		return isScimEdgeHealth(status, text);
	} catch {
		return false;
	}
}

/** Why the port cannot be used, in words, with a command that works instead. */
async function portTakenMessage(port) {
	let free = port + 1;
	while (free < port + 20 && (await portInUse(free))) {
		free++;
	}
	const instead = `npm start -- --port ${free}`;
	if (await isScimEdgeAt(`http://127.0.0.1:${port}`)) {
		return `scim-edge is already running on port ${port} (another \`npm start\`?). Use that one, stop it, or start another on a free port:\n  ${instead}`;
	}
	return `Port ${port} is taken by another program. Stop it, or start scim-edge on a free port:\n  ${instead}`;
}

function ensureDevVars() {
	const vars = existsSync(".dev.vars") ? parseVars(readFileSync(".dev.vars", "utf8")) : {};
	let changed = false;
	for (const name of ["SERVICE_TOKEN", "SESSION_SECRET"]) {
		if (!vars[name]) {
			vars[name] = randomBytes(32).toString("base64url");
			changed = true;
		}
	}
	if (changed) {
		writeFileSync(
			".dev.vars",
			`${Object.entries(vars)
				.map(([k, v]) => `${k}=${v}`)
				.join("\n")}\n`,
			{ mode: 0o600 },
		);
		console.log("Wrote .dev.vars with fresh local secrets.");
	}
	return vars;
}

function parseVars(text) {
	return Object.fromEntries(
		text
			.split("\n")
			.map((line) => line.trim())
			.filter((line) => line && !line.startsWith("#") && line.includes("="))
			.map((line) => [
				line.slice(0, line.indexOf("=")).trim(),
				line.slice(line.indexOf("=") + 1).trim(),
			]),
	);
}

function applyMigrations(env) {
	const result = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"], {
		env,
		encoding: "utf8",
	});
	if (result.status !== 0) {
		process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
		console.error("Applying the local D1 migrations failed (wrangler's output above).");
		process.exit(result.status ?? 1);
	}
	for (const line of migrationSummary(result.stdout)) {
		console.log(line);
	}
}

async function waitForScimEdge(origin, dev) {
	for (let i = 0; i < 240; i++) {
		if (await isScimEdgeAt(origin)) {
			return;
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	console.error(`scim-edge did not answer at ${origin}/healthz within 2 minutes.`);
	dev.kill();
	process.exit(1);
}

/** A service API client that fails with the status and the API's message, not a page of HTML. */
function serviceApi(origin, token) {
	return async (method, path, body) => {
		const { status, ok, text } = await fetchText(`${origin}/api/v1${path}`, {
			method,
			headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (!ok) {
			let message = text.slice(0, 200);
			try {
				message = JSON.parse(text).error.message;
			} catch {}
			throw new Error(`${method} /api/v1${path} answered ${status}: ${message}`);
		}
		return text ? JSON.parse(text) : null;
	};
}

async function seedDemoTeam(origin, serviceToken) {
	const call = serviceApi(origin, serviceToken);
	let saved = readSavedDemo();
	if (saved && !(await call("GET", `/teams/${saved.teamId}`).catch(() => null))) {
		saved = null; // The local state was reset: a new team.
	}
	const teamId = saved?.teamId ?? (await call("POST", "/teams", { name: TEAM_NAME })).id;
	await call("PUT", `/teams/${teamId}/sso`, { methods: ["saml"] });
	await call("PUT", `/teams/${teamId}/scim`, { enabled: true });
	await call("POST", `/teams/${teamId}/admins`, { email: DEMO_EMAIL });
	// Only a key's hash is kept, so the secret is saved locally to print it again; a saved key that
	// still works is kept, so an IdP or script set up with it goes on working after a restart.
	const keyReused = saved?.token ? await keyWorks(origin, saved.token) : false;
	const key = keyReused
		? { id: saved.keyId, token: saved.token }
		: await call("POST", `/teams/${teamId}/scim-keys`, { name: "Demo IdP" });
	writeFileSync(DEMO_FILE, JSON.stringify({ teamId, keyId: key.id, token: key.token }, null, 2), {
		mode: 0o600,
	});
	chmodSync(DEMO_FILE, 0o600);
	const link = await call("POST", "/admin-login-links", { teamId, email: DEMO_EMAIL }).catch(
		(error) => ({ url: `(none: ${error.message})` }),
	);
	return { teamId, token: key.token, keyReused, adminLink: link.url };
}

/** What an earlier start saved, or null (none, or not readable: a new demo team is made). */
function readSavedDemo() {
	try {
		return JSON.parse(readFileSync(DEMO_FILE, "utf8"));
	} catch {
		return null;
	}
}

async function keyWorks(origin, token) {
	try {
		const res = await fetchText(`${origin}/scim/v2/Users?count=1`, {
			headers: { Authorization: `Bearer ${token}` },
		});
		return res.status === 200;
	} catch {
		return false;
	}
}

async function main() {
	let port;
	try {
		port = parsePort(process.argv.slice(2), process.env);
	} catch (error) {
		console.error(error.message);
		process.exit(2);
	}
	if (await portInUse(port)) {
		console.error(await portTakenMessage(port));
		process.exit(1);
	}
	const origin = `http://localhost:${port}`;
	const env = {
		...process.env,
		WRANGLER_SEND_METRICS: "false",
		CLOUDFLARE_CF_FETCH_ENABLED: "false",
	};
	const vars = ensureDevVars();
	applyMigrations(env);

	const dev = spawn("npx", ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1"], {
		env,
		stdio: ["inherit", "pipe", "inherit"],
	});
	dev.stdout.pipe(process.stdout);
	for (const signal of ["SIGINT", "SIGTERM"]) {
		process.on(signal, () => dev.kill(signal));
	}
	dev.on("exit", (code) => process.exit(code ?? 0));

	await waitForScimEdge(`http://127.0.0.1:${port}`, dev);
	try {
		const demo = await seedDemoTeam(origin, vars.SERVICE_TOKEN);
		const address = `ada.${randomBytes(3).toString("hex")}@example.com`;
		console.log(banner({ origin, port, serviceToken: vars.SERVICE_TOKEN, address, ...demo }));
	} catch (error) {
		console.error(
			`scim-edge runs at ${origin}, but the demo team could not be set up: ${error.message}`,
		);
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	await main();
}
