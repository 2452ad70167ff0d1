import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

/**
 * Starts scim-edge on `wrangler dev` for the browser tests: a fresh D1 in a temp persist dir with
 * the migrations applied, random SERVICE_TOKEN and SESSION_SECRET, port 8795 (or E2E_PORT). The tests wait for
 * it to answer (see `server.ts`), so the other projects' tests run while it boots. Teardown kills
 * wrangler's whole process group and removes the temp dir.
 */

// E2E_PORT moves it, e.g. when another checkout's browser tests hold 8795 on the same machine.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 8795);

declare module "vitest" {
	export interface ProvidedContext {
		e2eOrigin: string;
		e2eServiceToken: string;
		/** wrangler dev's stdout and stderr: where invite links go without a mail transport. */
		e2eLogFile: string;
		e2ePersistDir: string;
		/** Why the server could not be started, or "" (the tests fail with it). */
		e2eSetupError: string;
	}
}

const root = resolve(import.meta.dirname, "../..");

export default async function setup(project: TestProject) {
	const dir = mkdtempSync(join(tmpdir(), "scim-edge-e2e-"));
	const persistDir = join(dir, "state");
	const logFile = join(dir, "wrangler.log");
	const serviceToken = randomBytes(24).toString("base64url");
	const sessionSecret = randomBytes(36).toString("base64url"); // 48 characters
	// wrangler's package exports do not include its bin; find it next to the main entry.
	const wrangler = resolve(
		dirname(createRequire(import.meta.url).resolve("wrangler")),
		"../bin/wrangler.js",
	);
	const env = {
		...process.env,
		WRANGLER_SEND_METRICS: "false",
		CLOUDFLARE_CF_FETCH_ENABLED: "false",
		// wrangler dev must not think it has an interactive terminal.
		CI: "true",
	};

	project.provide("e2eOrigin", `http://localhost:${E2E_PORT}`);
	project.provide("e2eServiceToken", serviceToken);
	project.provide("e2eLogFile", logFile);
	project.provide("e2ePersistDir", persistDir);
	project.provide("e2eSetupError", "");
	const fail = (message: string) => {
		project.provide("e2eSetupError", message);
		return () => rmSync(dir, { recursive: true, force: true });
	};
	// Something else on the port would answer the tests with other secrets and other data.
	if (await answers(`http://127.0.0.1:${E2E_PORT}/`)) {
		return fail(`Port ${E2E_PORT} is taken: stop whatever listens there and run the tests again.`);
	}

	const migrate = spawnSync(
		process.execPath,
		[wrangler, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir],
		{ cwd: root, env, encoding: "utf8" },
	);
	if (migrate.status !== 0) {
		return fail(`Applying the D1 migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
	}

	const log = openSync(logFile, "a");
	const child: ChildProcess = spawn(
		process.execPath,
		[
			wrangler,
			"dev",
			"--port",
			String(E2E_PORT),
			"--ip",
			"127.0.0.1",
			"--persist-to",
			persistDir,
			"--var",
			`SERVICE_TOKEN:${serviceToken}`,
			"--var",
			`SESSION_SECRET:${sessionSecret}`,
			"--show-interactive-dev-session=false",
		],
		// Its own process group, so teardown can end wrangler and workerd together.
		{ cwd: root, env, stdio: ["ignore", log, log], detached: true },
	);
	closeSync(log);

	return async () => {
		if (child.pid !== undefined) {
			await endGroup(child.pid);
		}
		rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
	};
}

/** SIGTERM to wrangler and workerd (one process group); SIGKILL for what is left after 5 s. */
async function endGroup(pgid: number) {
	signalGroup(pgid, "SIGTERM");
	for (let waited = 0; waited < 5000 && signalGroup(pgid, 0); waited += 100) {
		await new Promise((r) => setTimeout(r, 100));
	}
	signalGroup(pgid, "SIGKILL");
}

/** Sends a signal to a process group; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch {
		return false;
	}
}

async function answers(url: string): Promise<boolean> {
	try {
		await fetch(url, { signal: AbortSignal.timeout(1000) });
		return true;
	} catch {
		return false;
	}
}
