/**
 * `npm run bench`: scim-edge against two bare-D1 baseline Workers (one D1 round trip per request,
 * and two: key lookup then statement), all on `wrangler dev` with fresh local D1s, under an
 * IdP-sync workload; then list and filter latency in a big team, and the deployed bundle's size.
 * Prints markdown tables and writes test-results/bench.json.
 *
 *   npm run bench -- [--quick] [--users N] [--concurrency N] [--big-team N] [--skip-big] [--port P]
 *                    [--d1-delay MS]
 *
 * `--d1-delay MS` adds MS to every D1 round trip of all three (test/bench/d1-delay.ts), and reports
 * each request's p50 in round trips; it skips the big team, whose ratio it would only blur.
 *
 * `--cpu-profile` instead runs scim-edge alone, unminified, and profiles its isolate through each
 * phase (test/bench/cpu-profile.ts): CPU per request and where it goes. Writes
 * test-results/bench-cpu.json and test-results/cpu/<phase>.cpuprofile.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bigTeamUserName, writeBigTeamSql } from "./big-team.ts";
import { measureBundle } from "./bundle.ts";
import {
	type CpuPhase,
	type CpuProfile,
	cpuMarkdown,
	cpuPhase,
	Inspector,
	modulesByLine,
	profilePhase,
} from "./cpu-profile.ts";
import {
	type BenchReport,
	type BigTeamResult,
	compare,
	markdown,
	type PhaseComparison,
	targetChecks,
} from "./report.ts";
import { type DevServer, ROOT, startDev, stopAll, wrangler } from "./servers.ts";
import { PhaseRecorder, type PhaseResult, round } from "./stats.ts";
import {
	type Chunk,
	deactivateChunk,
	duplicatesChunk,
	getChunk,
	importChunk,
	latencyProbe,
	listChunk,
	type Target,
	userNameFilter,
	type WorkloadOptions,
	warmUp,
} from "./workload.ts";

const BASELINE_CONFIG = "test/bench/baseline/wrangler.toml";
/** scim-edge's entry when D1 is delayed: the product over a delayed env.DB (bench-only). */
const DELAYED_APP = "test/bench/delayed-app.ts";

const { values: args } = parseArgs({
	options: {
		quick: { type: "boolean", default: false },
		users: { type: "string" },
		concurrency: { type: "string" },
		"big-team": { type: "string" },
		"skip-big": { type: "boolean", default: false },
		port: { type: "string", default: "8790" },
		"keep-temp": { type: "boolean", default: false },
		"d1-delay": { type: "string" },
		"cpu-profile": { type: "boolean", default: false },
	},
});

const quick = args.quick === true;
const options: WorkloadOptions = {
	users: int(args.users, quick ? 200 : 2000),
	concurrency: int(args.concurrency, 8),
	listSweeps: quick ? 8 : 32,
	duplicateRounds: quick ? 6 : 20,
	duplicatesPerRound: 20,
	chunks: quick ? 2 : 8,
};
const d1DelayMs = int(args["d1-delay"], 0);
const bigTeamUsers =
	args["skip-big"] || d1DelayMs > 0 ? 0 : int(args["big-team"], quick ? 10_000 : 100_000);
const probeSamples = quick ? 10 : 50;
const port = int(args.port, 8790);

const startedAt = new Date();
const temp = mkdtempSync(join(os.tmpdir(), "scim-edge-bench-"));
const appState = join(temp, "scim-edge");
const baselineStates = { 1: join(temp, "baseline-1"), 2: join(temp, "baseline-2") } as const;
/** Only a delayed run sets it, on all three servers; the deployed Worker never has it. */
const delayVars: Record<string, string> =
	d1DelayMs > 0 ? { BENCH_D1_DELAY_MS: String(d1DelayMs) } : {};
const serviceToken = randomBytes(32).toString("base64url");
const appVars = {
	SERVICE_TOKEN: serviceToken,
	SESSION_SECRET: randomBytes(32).toString("base64url"),
	// Lifts the per-isolate token bucket (src/http/middleware/rate-limit.ts); the rate-limiting
	// binding behind it is raised in the generated config (appConfig).
	SCIM_RATE_LIMIT_PER_SECOND: "100000",
	SCIM_RATE_LIMIT_BURST: "100000",
	...delayVars,
};

for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.on(signal, () => {
		stopAll();
		process.exit(130);
	});
}

try {
	await (args["cpu-profile"] ? profileCpu() : main());
} catch (error) {
	stopAll();
	console.error(error);
	process.exitCode = 1;
} finally {
	if (!args["keep-temp"]) {
		rmSync(temp, { recursive: true, force: true });
	}
}

async function main() {
	log(
		`temp dir ${temp}; ${options.users} users, concurrency ${options.concurrency}${d1DelayMs > 0 ? `, D1 delay ${d1DelayMs} ms per round trip` : ""}`,
	);
	log("applying scim-edge migrations and the baselines' schema");
	await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", appState]);
	const baselineKey = newKey();
	for (const state of Object.values(baselineStates)) {
		await baselineD1(state, ["--file", "test/bench/baseline/schema.sql"]);
		await baselineD1(state, [
			"--command",
			`INSERT INTO keys (id, team_id, secret_hash) VALUES ('${baselineKey.id}', 'bench-baseline', '${baselineKey.hash}')`,
		]);
	}

	log("starting all three on wrangler dev");
	const startBaseline = (roundTrips: 1 | 2) =>
		startDev({
			name: `baseline-${roundTrips}`,
			config: BASELINE_CONFIG,
			port: port + roundTrips,
			inspectorPort: port + 1000 + roundTrips,
			persistTo: baselineStates[roundTrips],
			vars: { BASELINE_ROUND_TRIPS: String(roundTrips), ...delayVars },
		});
	let [app, baseline1, baseline2] = await Promise.all([
		startApp(),
		startBaseline(1),
		startBaseline(2),
	]);
	const appTarget: Target = { name: "scim-edge", origin: app.origin, token: await seedTeam(app) };
	const oneTarget: Target = {
		name: "baseline-1",
		origin: baseline1.origin,
		token: baselineKey.token,
	};
	const twoTarget: Target = {
		name: "baseline-2",
		origin: baseline2.origin,
		token: baselineKey.token,
	};

	log("warming up");
	for (const target of [oneTarget, twoTarget, appTarget]) {
		await warmUp(target, 200, options.concurrency);
	}

	// Each phase runs in chunks that alternate between the servers (ABC CBA ...), so that drift
	// on a shared machine hits all alike; a phase's req/s counts only its own chunks' time.
	const phases: PhaseComparison[] = [];
	const run = async (
		name: string,
		total: number,
		chunks: number,
		work: (chunk: Chunk) => Promise<void>,
	) => {
		log(`phase ${name}`);
		const recorders = new Map<Target, PhaseRecorder>(
			[oneTarget, twoTarget, appTarget].map((t) => [t, new PhaseRecorder(name)]),
		);
		const size = Math.max(1, Math.ceil(total / chunks));
		for (let k = 0, from = 0; from < total; k++, from += size) {
			const to = Math.min(total, from + size);
			const order = [...recorders];
			for (const [target, recorder] of k % 2 === 0 ? order : order.reverse()) {
				await recorder.measure(() => work({ target, recorder, from, to }));
			}
		}
		const [one, two, edge] = [oneTarget, twoTarget, appTarget].map((t) =>
			(recorders.get(t) as PhaseRecorder).finish(),
		) as [PhaseResult, PhaseResult, PhaseResult];
		phases.push(compare(edge, one, two));
		log(
			`  req/s, p99 ms: scim-edge ${edge.rps}, ${edge.p99}; 1-round-trip baseline ${one.rps}, ${one.p99}; 2-round-trip baseline ${two.rps}, ${two.p99}; errors ${edge.errors}/${one.errors}/${two.errors}`,
		);
		for (const [label, result] of [
			["scim-edge", edge],
			["baseline-1", one],
			["baseline-2", two],
		] as const) {
			for (const a of result.anomalies.slice(0, 5)) {
				log(`  ! ${label}: ${a}`);
			}
		}
	};
	const ids = new Map<Target, string[]>([
		[appTarget, []],
		[oneTarget, []],
		[twoTarget, []],
	]);
	const idsOf = (target: Target) => ids.get(target) ?? [];
	const { users, concurrency, chunks } = options;
	await run("import", users, chunks, (c) => importChunk(c, concurrency, idsOf(c.target)));
	await run("get", users, chunks, (c) => getChunk(c, concurrency, idsOf(c.target)));
	// A chunk of list sweeps is as many sweeps as run at once.
	await run("list", options.listSweeps, Math.ceil(options.listSweeps / concurrency), (c) =>
		listChunk(c, concurrency, users),
	);
	await run("deactivate", users, chunks, (c) => deactivateChunk(c, concurrency, idsOf(c.target)));
	await run("duplicates", options.duplicateRounds, Math.min(chunks, 4), (c) =>
		duplicatesChunk(c, options.duplicatesPerRound),
	);
	await Promise.all([baseline1.stop(), baseline2.stop()]);

	let bigTeam: BigTeamResult | null = null;
	if (bigTeamUsers > 0) {
		await app.stop();
		// A failure here (a seed that no longer matches the schema...) must not lose the phases.
		try {
			bigTeam = await measureBigTeam((restarted) => {
				app = restarted;
			});
		} catch (error) {
			log(`the big team failed, reported without it: ${error}`);
			process.exitCode = 1;
		}
	}
	await app.stop();

	log("measuring the bundle (wrangler deploy --dry-run)");
	const bundle = await measureBundle(join(temp, "bundle"));

	const report: BenchReport = {
		startedAt: startedAt.toISOString(),
		durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
		machine: machine(),
		options: { ...options, bigTeamUsers, probeSamples, quick, d1DelayMs },
		phases,
		bigTeam,
		bundle,
		targets: targetChecks(phases, bigTeam, bundle, d1DelayMs),
	};
	mkdirSync(join(ROOT, "test-results"), { recursive: true });
	writeFileSync(join(ROOT, "test-results/bench.json"), `${JSON.stringify(report, null, 2)}\n`);
	console.log(`\n${markdown(report)}\n`);
	log("wrote test-results/bench.json");
}

/** `--cpu-profile`: each phase on scim-edge alone, under the V8 profiler of its isolate. */
async function profileCpu() {
	log(`temp dir ${temp}; ${options.users} users, concurrency ${options.concurrency}, CPU profile`);
	await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", appState]);
	log("starting scim-edge on wrangler dev, unminified");
	const app = await startApp({ unminified: true });
	const target: Target = { name: "scim-edge", origin: app.origin, token: await seedTeam(app) };
	await warmUp(target, 200, options.concurrency);
	const inspector = await Inspector.connect(port + 1000);
	await inspector.send("Profiler.enable");
	await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
	const ids: string[] = [];
	const { users, concurrency } = options;
	const measured: { phase: string; profile: CpuProfile; requests: number; wallMs: number }[] = [];
	const phase = async (name: string, total: number, work: (chunk: Chunk) => Promise<void>) => {
		log(`phase ${name}`);
		const recorder = new PhaseRecorder(name);
		const result = await profilePhase(inspector, name, async () => {
			await work({ target, recorder, from: 0, to: total });
			const finished = recorder.finish();
			if (finished.errors > 0 || finished.anomalies.length > 0) {
				log(`  ! ${finished.errors} errors; ${finished.anomalies.slice(0, 3).join("; ")}`);
			}
			return finished.requests;
		});
		measured.push({ phase: name, ...result });
	};
	await phase("import", users, (c) => importChunk(c, concurrency, ids));
	await phase("get", users, (c) => getChunk(c, concurrency, ids));
	await phase("list", options.listSweeps, (c) => listChunk(c, concurrency, users));
	await phase("deactivate", users, (c) => deactivateChunk(c, concurrency, ids));
	await phase("duplicates", options.duplicateRounds, (c) =>
		duplicatesChunk(c, options.duplicatesPerRound),
	);

	// The scripts' sources name each module's lines; read once the profiling is over.
	await inspector.send("Debugger.enable");
	const lines = new Map<string, (line: number) => string>();
	for (const { profile } of measured) {
		for (const { callFrame } of profile.nodes) {
			if (callFrame.url !== "" && !callFrame.url.includes(":") && !lines.has(callFrame.scriptId)) {
				const { scriptSource } = await inspector.send<{ scriptSource: string }>(
					"Debugger.getScriptSource",
					{ scriptId: callFrame.scriptId },
				);
				lines.set(callFrame.scriptId, modulesByLine(scriptSource));
			}
		}
	}
	inspector.close();
	await app.stop();

	const outDir = join(ROOT, "test-results/cpu");
	mkdirSync(outDir, { recursive: true });
	const phases: CpuPhase[] = measured.map((m) => {
		writeFileSync(join(outDir, `${m.phase}.cpuprofile`), JSON.stringify(m.profile));
		return cpuPhase(m.phase, m, (scriptId, line) => lines.get(scriptId)?.(line));
	});
	const report = { startedAt: startedAt.toISOString(), machine: machine(), options, phases };
	writeFileSync(join(ROOT, "test-results/bench-cpu.json"), `${JSON.stringify(report, null, 2)}\n`);
	console.log(`\n${cpuMarkdown(phases)}\n`);
	log("wrote test-results/bench-cpu.json and test-results/cpu/*.cpuprofile");
}

/** Fills a big team straight into the stopped server's D1, restarts it and probes list/filter. */
async function measureBigTeam(onRestart: (app: DevServer) => void): Promise<BigTeamResult> {
	const sqlDir = join(temp, "big-team-sql");
	mkdirSync(sqlDir);
	const big = writeBigTeamSql(sqlDir, bigTeamUsers, 25_000);
	log(`seeding a team of ${bigTeamUsers} users (${big.files.length} SQL files)`);
	const seedStarted = Date.now();
	for (const file of big.files) {
		await wrangler(["d1", "execute", "DB", "--local", "--persist-to", appState, "--file", file]);
	}
	log(`  seeded in ${round((Date.now() - seedStarted) / 1000)} s`);
	const app = await startApp();
	onRestart(app);
	const target: Target = { name: "scim-edge", origin: app.origin, token: big.token };
	await warmUp(target, 20, 1);
	const deepStartIndex = Math.floor(bigTeamUsers * 0.9) + 1;
	const fullPage = (body: unknown) =>
		((body as { Resources?: unknown[] }).Resources ?? []).length === Math.min(100, bigTeamUsers)
			? null
			: "a page of the big team was not full";
	log("probing the big team: first page, deep page, filter");
	const firstPage = await latencyProbe(
		target,
		"first page",
		probeSamples,
		() => "/Users?startIndex=1&count=100",
		fullPage,
	);
	const deepPage = await latencyProbe(
		target,
		"deep page",
		probeSamples,
		() => `/Users?startIndex=${deepStartIndex}&count=100`,
		(body) =>
			fullPage(body) ??
			((body as { Resources?: { userName?: string }[] }).Resources?.[0]?.userName ===
			bigTeamUserName(deepStartIndex - 1)
				? null
				: "the deep page did not start at the expected user"),
	);
	const filter = await latencyProbe(
		target,
		"filter",
		probeSamples,
		(i) => userNameFilter(bigTeamUserName((i * 7919) % bigTeamUsers)),
		(body) =>
			(body as { totalResults?: number }).totalResults === 1
				? null
				: "the userName filter did not find exactly one user",
	);
	for (const p of [firstPage, deepPage, filter]) {
		log(`  ${p.phase}: p50 ${p.p50} ms, p99 ${p.p99} ms, errors ${p.errors}`);
		for (const a of p.anomalies) {
			log(`  ! ${a}`);
		}
	}
	return {
		users: bigTeamUsers,
		firstPage,
		deepPage,
		deepStartIndex,
		filter,
		deepPageRatio: firstPage.p50 === 0 ? 0 : round(deepPage.p50 / firstPage.p50),
	};
}

/**
 * scim-edge's wrangler.toml with the `[[ratelimits]]` binding raised out of the way: wrangler dev
 * enforces it locally (1200 requests per 10 s per key), which every phase but duplicates exceeds,
 * and its 429s would count as fast answers. Written to the temp dir with absolute paths, so the
 * repository is left alone; everything else is the deployed configuration.
 */
function appConfig({ unminified = false } = {}): string {
	const file = join(temp, "wrangler.toml");
	if (!existsSync(file)) {
		const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
		const raised = (unminified ? toml.replace(/^minify = true$/m, "minify = false") : toml)
			.replace(
				/^main = "(.*)"$/m,
				(_, path: string) =>
					`main = ${JSON.stringify(join(ROOT, d1DelayMs > 0 ? DELAYED_APP : path))}`,
			)
			.replace(
				/^migrations_dir = "(.*)"$/m,
				(_, path: string) => `migrations_dir = ${JSON.stringify(join(ROOT, path))}`,
			)
			.replace(
				/^directory = "(.*)"$/m,
				(_, path: string) => `directory = ${JSON.stringify(join(ROOT, path))}`,
			)
			.replace(
				/^simple = \{ limit = \d+, period = (\d+) \}$/m,
				"simple = { limit = 1000000000, period = $1 }",
			);
		if (
			!raised.includes("limit = 1000000000") ||
			!raised.includes(`main = "${ROOT}/`) ||
			!raised.includes(`directory = "${ROOT}/`) ||
			(unminified && !raised.includes("minify = false"))
		) {
			throw new Error("wrangler.toml changed shape: update appConfig() in test/bench/run.ts");
		}
		writeFileSync(file, raised);
	}
	return file;
}

function startApp(config: { unminified?: boolean } = {}): Promise<DevServer> {
	return startDev({
		name: "scim-edge",
		config: appConfig(config),
		port,
		inspectorPort: port + 1000,
		persistTo: appState,
		vars: appVars,
	});
}

function baselineD1(state: string, rest: string[]) {
	return wrangler([
		"d1",
		"execute",
		"DB",
		"--local",
		"--config",
		BASELINE_CONFIG,
		"--persist-to",
		state,
		...rest,
	]);
}

/** A team with one SSO method, SCIM on and a key, through the service API as the product does it. */
async function seedTeam(app: DevServer): Promise<string> {
	const call = async (method: string, path: string, body: unknown) => {
		const res = await fetch(`${app.origin}/api/v1${path}`, {
			method,
			headers: { Authorization: `Bearer ${serviceToken}`, "Content-Type": "application/json" },
			body: JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) {
			throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
		}
		return JSON.parse(text) as { id: string; token: string };
	};
	const team = await call("POST", "/teams", { name: "Bench team" });
	await call("PUT", `/teams/${team.id}/sso`, { methods: ["saml"] });
	await call("PUT", `/teams/${team.id}/scim`, { enabled: true });
	return (await call("POST", `/teams/${team.id}/scim-keys`, { name: "bench" })).token;
}

function newKey() {
	const id = randomBytes(12).toString("hex");
	const secret = randomBytes(32).toString("base64url");
	return {
		id,
		token: `scim_${id}_${secret}`,
		hash: createHash("sha256").update(secret).digest("hex"),
	};
}

function machine(): Record<string, string | number> {
	let wranglerVersion = "unknown";
	try {
		wranglerVersion = execFileSync(join(ROOT, "node_modules/.bin/wrangler"), ["--version"], {
			encoding: "utf8",
		}).trim();
	} catch {}
	return {
		nproc: os.availableParallelism(),
		cpu: os.cpus()[0]?.model.trim() ?? "unknown",
		memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
		platform: `${os.platform()} ${os.release()}`,
		node: process.versions.node,
		wrangler: wranglerVersion,
	};
}

function int(value: string | undefined, fallback: number): number {
	if (value === undefined) {
		return fallback;
	}
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0) {
		throw new Error(`expected a whole number, got "${value}"`);
	}
	return n;
}

function log(message: string) {
	console.log(`[bench ${round((Date.now() - startedAt.getTime()) / 1000)}s] ${message}`);
}
