// `npm start`: runs scim-edge locally on `wrangler dev` with a seeded demo team.
// Needs nothing but `npm install`: it writes .dev.vars with random secrets if missing, applies the
// local D1 migrations, starts wrangler dev, seeds the demo team through the service API (one SSO
// method, SCIM on, a fresh SCIM key) and prints the SCIM base URL, the key, a curl to try and a
// login link to the demo team's admin page.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const port = Number(process.env.PORT ?? 8787);
const origin = `http://localhost:${port}`;
const demoFile = ".wrangler/demo-team.json";
const childEnv = {
	...process.env,
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

const vars = ensureDevVars();
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);

const dev = spawn("npx", ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1"], {
	env: childEnv,
	stdio: ["inherit", "pipe", "inherit"],
});
dev.stdout.pipe(process.stdout);
for (const signal of ["SIGINT", "SIGTERM"]) {
	process.on(signal, () => dev.kill(signal));
}
dev.on("exit", (code) => process.exit(code ?? 0));

await waitForServer();
const demo = await seedDemoTeam(vars.SERVICE_TOKEN);
console.log(`
────────────────────────────────────────────────────────────────────────
 scim-edge is running at ${origin}

 Demo team:      ${demo.teamName} (${demo.teamId})
 SCIM base URL:  ${origin}/scim/v2
 SCIM key:       ${demo.token}
 Admin page:     ${demo.adminLink}
                 (admin@demo.example; works once for 15 minutes; another one:
                  npm run admin-link -- ${demo.teamId} admin@demo.example)
 Service token:  ${vars.SERVICE_TOKEN}   (for /api/v1, from .dev.vars)

 Try it:
   curl -s -H "Authorization: Bearer ${demo.token}" ${origin}/scim/v2/Users
   curl -s -X POST -H "Authorization: Bearer ${demo.token}" -H "Content-Type: application/scim+json" \\
     -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"value":"ada@example.com","primary":true}]}' \\
     ${origin}/scim/v2/Users
────────────────────────────────────────────────────────────────────────
`);

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

function run(command, args) {
	const result = spawnSync(command, args, { stdio: "inherit", env: childEnv });
	if (result.status !== 0) {
		process.exit(result.status ?? 1);
	}
}

async function waitForServer() {
	for (let i = 0; i < 240; i++) {
		try {
			const res = await fetch(`${origin}/`);
			if (res.ok) {
				return;
			}
		} catch {}
		await new Promise((r) => setTimeout(r, 500));
	}
	console.error("wrangler dev did not start within 2 minutes");
	dev.kill();
	process.exit(1);
}

async function call(token, method, path, body) {
	const res = await fetch(`${origin}/api/v1${path}`, {
		method,
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	if (!res.ok) {
		throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
	}
	return text ? JSON.parse(text) : null;
}

async function seedDemoTeam(serviceToken) {
	let saved = existsSync(demoFile) ? JSON.parse(readFileSync(demoFile, "utf8")) : null;
	if (saved) {
		const res = await fetch(`${origin}/api/v1/teams/${saved.teamId}`, {
			headers: { Authorization: `Bearer ${serviceToken}` },
		});
		if (!res.ok) {
			saved = null;
		}
	}
	const teamName = "Demo Team";
	const teamId =
		saved?.teamId ?? (await call(serviceToken, "POST", "/teams", { name: teamName })).id;
	await call(serviceToken, "PUT", `/teams/${teamId}/sso`, { methods: ["saml"] });
	await call(serviceToken, "PUT", `/teams/${teamId}/scim`, { enabled: true });
	await call(serviceToken, "POST", `/teams/${teamId}/admins`, { email: "admin@demo.example" });
	// The secret of an earlier key cannot be shown again (only its hash is kept), so each start
	// replaces the demo key with a fresh one and prints that.
	const key = saved?.keyId
		? await call(serviceToken, "POST", `/teams/${teamId}/scim-keys/${saved.keyId}/regenerate`, {
				graceSeconds: 0,
			}).catch(() => call(serviceToken, "POST", `/teams/${teamId}/scim-keys`, { name: "Demo IdP" }))
		: await call(serviceToken, "POST", `/teams/${teamId}/scim-keys`, { name: "Demo IdP" });
	writeFileSync(demoFile, JSON.stringify({ teamId, keyId: key.id }, null, 2));
	const link = await call(serviceToken, "POST", "/admin-login-links", {
		teamId,
		email: "admin@demo.example",
	}).catch((error) => ({ url: `(none: ${error.message})` }));
	return { teamId, teamName, token: key.token, adminLink: link.url };
}
