import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

/** The repository root: wrangler runs from here so it finds wrangler.toml and migrations/. */
export const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = resolve(ROOT, "node_modules/.bin/wrangler");

const wranglerEnv = {
	...process.env,
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	// No colours and no interactive prompts in captured output.
	FORCE_COLOR: "0",
	CI: "true",
};

/** Runs one wrangler command to completion; rejects with its output when it fails. */
export function wrangler(args: string[]): Promise<string> {
	return new Promise((done, fail) => {
		const child = spawn(WRANGLER, args, { cwd: ROOT, env: wranglerEnv, stdio: "pipe" });
		let output = "";
		child.stdout.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
		child.stderr.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
		child.on("error", fail);
		child.on("exit", (code) => {
			if (code === 0) {
				done(output);
			} else {
				fail(new Error(`wrangler ${args.join(" ")} exited with ${code}:\n${output.slice(-4000)}`));
			}
		});
	});
}

export interface DevServerOptions {
	name: string;
	/** A wrangler config other than the root wrangler.toml. */
	config?: string;
	port: number;
	inspectorPort: number;
	persistTo: string;
	vars: Record<string, string>;
}

export interface DevServer {
	name: string;
	origin: string;
	/** The last lines wrangler dev printed, for diagnosing a failed start or a 500. */
	output(): string;
	stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Starts `wrangler dev` and resolves once it answers on `/`. */
export async function startDev(options: DevServerOptions): Promise<DevServer> {
	const args = [
		"dev",
		...(options.config ? ["--config", options.config] : []),
		"--ip",
		"127.0.0.1",
		"--port",
		String(options.port),
		"--inspector-port",
		String(options.inspectorPort),
		"--persist-to",
		options.persistTo,
		"--show-interactive-dev-session=false",
		"--log-level",
		"warn",
		...Object.entries(options.vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
	];
	// Its own process group, so stopping it also stops the workerd it spawned.
	const child = spawn(WRANGLER, args, {
		cwd: ROOT,
		env: wranglerEnv,
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	running.add(child);
	let tail = "";
	const keep = (chunk: Buffer) => {
		tail = (tail + chunk.toString()).slice(-8000);
	};
	child.stdout?.on("data", keep);
	child.stderr?.on("data", keep);
	const exited = new Promise<void>((done) => child.on("exit", () => done()));
	let exitCode: number | null = null;
	child.on("exit", (code) => {
		exitCode = code;
		running.delete(child);
	});

	const origin = `http://127.0.0.1:${options.port}`;
	const server: DevServer = {
		name: options.name,
		origin,
		output: () => tail,
		stop: async () => {
			if (child.exitCode === null && child.pid !== undefined) {
				killGroup(child.pid, "SIGTERM");
				const timer = setTimeout(() => child.pid && killGroup(child.pid, "SIGKILL"), 5000);
				await exited;
				clearTimeout(timer);
			}
		},
	};
	const deadline = Date.now() + 120_000;
	while (Date.now() < deadline) {
		if (exitCode !== null) {
			throw new Error(`wrangler dev (${options.name}) exited with ${exitCode}:\n${tail}`);
		}
		try {
			const res = await fetch(`${origin}/`, { signal: AbortSignal.timeout(2000) });
			await res.arrayBuffer();
			if (res.ok) {
				return server;
			}
		} catch {}
		await new Promise((r) => setTimeout(r, 250));
	}
	await server.stop();
	throw new Error(`wrangler dev (${options.name}) did not answer within 2 minutes:\n${tail}`);
}

/** Stops every dev server still running (on an error or Ctrl-C). */
export function stopAll(): void {
	for (const child of running) {
		if (child.pid !== undefined && child.exitCode === null) {
			killGroup(child.pid, "SIGKILL");
		}
	}
}

function killGroup(pid: number, signal: NodeJS.Signals) {
	try {
		process.kill(-pid, signal);
	} catch {}
}
