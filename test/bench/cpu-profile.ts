/**
 * `npm run bench -- --cpu-profile`: where a request's CPU goes. scim-edge alone, unminified, runs
 * each phase of the workload while the V8 profiler of its isolate samples it through the
 * inspector of `wrangler dev` (which, locally, runs the Worker and the team objects in one
 * isolate, so a write's CPU is the Worker's, the RPC hop's and the object's together). Reports
 * each phase's CPU per request, how busy the isolate was, and the share of each part of the code:
 * our folders (`src/http`, `src/team`, ...), each package (hono, drizzle-orm, zod), the runtime's
 * own JavaScript for the D1 and rate-limiting bindings, and wrangler dev's local middleware. A
 * native function's time goes to the JavaScript that called it (a D1 `fetch` to the D1 binding).
 * The profiles are kept in test-results/cpu/ for Chrome DevTools (Performance, load profile).
 */

/** One phase's CPU, measured in the isolate. */
export interface CpuPhase {
	phase: string;
	requests: number;
	wallMs: number;
	/** Sampled time the isolate was not idle. */
	busyMs: number;
	cpuMsPerRequest: number;
	/** busyMs over wallMs: near 1, the isolate was the bottleneck. */
	busyShare: number;
	/** Parts of the code, largest first, with their share of busyMs. */
	parts: { part: string; ms: number; share: number }[];
}

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number };
	children?: number[];
}

export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

/** A Chrome DevTools Protocol connection to the inspector `wrangler dev --inspector-port` serves. */
export class Inspector {
	private nextId = 0;
	private readonly waiting = new Map<number, (message: Record<string, unknown>) => void>();
	private readonly socket: WebSocket;

	private constructor(socket: WebSocket) {
		this.socket = socket;
		socket.addEventListener("message", (event) => {
			const message = JSON.parse(String(event.data)) as { id?: number } & Record<string, unknown>;
			if (message.id !== undefined) {
				this.waiting.get(message.id)?.(message);
				this.waiting.delete(message.id);
			}
		});
	}

	static async connect(port: number): Promise<Inspector> {
		// wrangler's inspector proxy refuses an upgrade without an Origin; Node's WebSocket
		// (undici) sends none unless told.
		const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
			headers: { Origin: `http://127.0.0.1:${port}` },
		} as unknown as string[]);
		await new Promise<void>((resolve, reject) => {
			socket.addEventListener("open", () => resolve());
			socket.addEventListener("error", () => reject(new Error(`no inspector on port ${port}`)));
		});
		return new Inspector(socket);
	}

	async send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
		const id = ++this.nextId;
		const answer = new Promise<Record<string, unknown>>((resolve) => this.waiting.set(id, resolve));
		this.socket.send(JSON.stringify({ id, method, params }));
		const message = await answer;
		if (message.error !== undefined) {
			throw new Error(`${method}: ${JSON.stringify(message.error)}`);
		}
		return message.result as T;
	}

	close(): void {
		this.socket.close();
	}
}

/** Profiles `run`, which returns how many requests it sent. */
export async function profilePhase(
	inspector: Inspector,
	phase: string,
	run: () => Promise<number>,
): Promise<{ profile: CpuProfile; requests: number; wallMs: number }> {
	await inspector.send("Profiler.start");
	const started = performance.now();
	const requests = await run();
	const wallMs = performance.now() - started;
	const { profile } = await inspector.send<{ profile: CpuProfile }>("Profiler.stop");
	if (profile.nodes.length === 0) {
		throw new Error(`the profile of ${phase} is empty`);
	}
	return { profile, requests, wallMs };
}

/**
 * The part of the code each line of a script belongs to, from the `// path` comment esbuild
 * writes before each module of an unminified bundle.
 */
export function modulesByLine(source: string): (line: number) => string {
	const starts: { line: number; part: string }[] = [];
	source.split("\n").forEach((text, line) => {
		const match = /^\/\/ (\S+\.(?:[cm]?[jt]sx?))$/.exec(text);
		if (match?.[1]) {
			starts.push({ line, part: partOfPath(match[1]) });
		}
	});
	return (line) => {
		let part = "(bundle prelude)";
		for (const start of starts) {
			if (start.line > line) {
				break;
			}
			part = start.part;
		}
		return part;
	};
}

function partOfPath(path: string): string {
	const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
	if (inPackage?.[1]) {
		return inPackage[1] === "wrangler" ? "wrangler dev middleware (local only)" : inPackage[1];
	}
	const inSrc = /(?:^|\/)src\/([^/]+)\//.exec(path);
	return inSrc?.[1] ? `src/${inSrc[1]}` : /(?:^|\/)src\//.test(path) ? "src" : path;
}

const NO_CALLER = "runtime (native, no JavaScript caller)";

const RUNTIME_PARTS: Record<string, string> = {
	"cloudflare-internal:d1-api": "D1 binding (runtime JavaScript)",
	"cloudflare-internal:tracing-helpers": "D1 binding (runtime JavaScript)",
	"cloudflare-internal:ratelimit:module": "rate-limiting binding (miniflare's, local only)",
};

/**
 * Each sample's time, by the part of the code it was spent in: the sampled frame's, or for a
 * native frame, the nearest JavaScript caller's. `(idle)` is left out; `(program)` and the
 * garbage collector are parts of their own.
 */
export function cpuParts(
	profile: CpuProfile,
	partOfLine: (scriptId: string, line: number) => string | undefined,
): { busyMs: number; parts: Map<string, number> } {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes) {
		for (const child of node.children ?? []) {
			parent.set(child, node.id);
		}
	}
	const partOfNode = new Map<number, string | null>();
	const partOf = (id: number): string | null => {
		const known = partOfNode.get(id);
		if (known !== undefined) {
			return known;
		}
		const frame = nodes.get(id)?.callFrame;
		let part: string | null;
		if (frame === undefined || frame.functionName === "(root)") {
			part = NO_CALLER;
		} else if (frame.functionName === "(idle)") {
			part = null;
		} else if (frame.functionName === "(program)" || frame.functionName === "(garbage collector)") {
			part = `runtime ${frame.functionName}`;
		} else if (frame.url !== "") {
			part = RUNTIME_PARTS[frame.url] ?? partOfLine(frame.scriptId, frame.lineNumber) ?? frame.url;
		} else {
			const up = parent.get(id);
			part = up === undefined ? NO_CALLER : partOf(up);
		}
		partOfNode.set(id, part);
		return part;
	};
	const parts = new Map<string, number>();
	let busyUs = 0;
	profile.samples.forEach((id, i) => {
		const part = partOf(id);
		const us = profile.timeDeltas[i] ?? 0;
		if (part === null) {
			return;
		}
		busyUs += us;
		parts.set(part, (parts.get(part) ?? 0) + us);
	});
	return {
		busyMs: busyUs / 1000,
		parts: new Map([...parts].map(([part, us]) => [part, us / 1000])),
	};
}

/** The phase's summary, from its profile and what the isolate's scripts say about their lines. */
export function cpuPhase(
	phase: string,
	measured: { profile: CpuProfile; requests: number; wallMs: number },
	partOfLine: (scriptId: string, line: number) => string | undefined,
): CpuPhase {
	const { busyMs, parts } = cpuParts(measured.profile, partOfLine);
	const round = (n: number) => Math.round(n * 100) / 100;
	return {
		phase,
		requests: measured.requests,
		wallMs: round(measured.wallMs),
		busyMs: round(busyMs),
		cpuMsPerRequest: round(busyMs / Math.max(1, measured.requests)),
		busyShare: round(busyMs / measured.wallMs),
		parts: [...parts]
			.sort((a, b) => b[1] - a[1])
			.map(([part, ms]) => ({ part, ms: round(ms), share: round(ms / busyMs) })),
	};
}

/** The markdown table of a profiled run. */
export function cpuMarkdown(phases: CpuPhase[], top = 8): string {
	const percent = (share: number) => `${Math.round(share * 100)} %`;
	return [
		"| phase | requests | CPU ms per request | isolate busy | where the CPU went (share of it) |",
		"| --- | ---: | ---: | ---: | --- |",
		...phases.map(
			(p) =>
				`| ${p.phase} | ${p.requests} | ${p.cpuMsPerRequest} | ${percent(p.busyShare)} | ${p.parts
					.slice(0, top)
					.map((part) => `${part.part} ${percent(part.share)}`)
					.join(", ")} |`,
		),
	].join("\n");
}
