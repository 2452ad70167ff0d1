/** Latency samples of one phase and what they add up to. */

export interface LatencySummary {
	count: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
}

export interface PhaseResult {
	phase: string;
	requests: number;
	seconds: number;
	rps: number;
	p50: number;
	p95: number;
	p99: number;
	/** Answers with a status the phase does not expect, and requests that failed outright. */
	errors: number;
	/** Expected statuses whose content was still wrong (a lost create, a short list...). */
	anomalies: string[];
	/** The same numbers per kind of request (import has a filter GET and a POST). */
	byKind: Record<string, LatencySummary>;
}

/** Nearest-rank percentile of ascending samples. */
export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) {
		return 0;
	}
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

export function summarize(samples: number[]): LatencySummary {
	const sorted = [...samples].sort((a, b) => a - b);
	return {
		count: sorted.length,
		p50: round(percentile(sorted, 50)),
		p95: round(percentile(sorted, 95)),
		p99: round(percentile(sorted, 99)),
		max: round(sorted.at(-1) ?? 0),
	};
}

/** Collects one phase's requests. */
export class PhaseRecorder {
	private readonly samples = new Map<string, number[]>();
	private errors = 0;
	private readonly anomalies: string[] = [];
	/** Time spent inside `measure`: a phase runs in chunks, alternating with the other server. */
	private elapsedMs = 0;
	private readonly phase: string;

	constructor(phase: string) {
		this.phase = phase;
	}

	async measure(work: () => Promise<void>): Promise<void> {
		const started = performance.now();
		try {
			await work();
		} finally {
			this.elapsedMs += performance.now() - started;
		}
	}

	record(kind: string, ms: number, expected: boolean) {
		const list = this.samples.get(kind) ?? [];
		list.push(ms);
		this.samples.set(kind, list);
		if (!expected) {
			this.errors++;
		}
	}

	anomaly(message: string) {
		if (this.anomalies.length < 20) {
			this.anomalies.push(message);
		}
	}

	finish(): PhaseResult {
		const seconds = this.elapsedMs / 1000;
		const all = [...this.samples.values()].flat();
		const total = summarize(all);
		return {
			phase: this.phase,
			requests: all.length,
			seconds: round(seconds),
			rps: round(all.length / seconds),
			p50: total.p50,
			p95: total.p95,
			p99: total.p99,
			errors: this.errors,
			anomalies: this.anomalies,
			byKind: Object.fromEntries([...this.samples].map(([kind, s]) => [kind, summarize(s)])),
		};
	}
}

export function round(n: number): number {
	return Math.round(n * 100) / 100;
}

/** Runs `task` for each index in [0, total) with at most `concurrency` in flight. */
export async function pool(
	total: number,
	concurrency: number,
	task: (index: number) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < total) {
			const index = next++;
			await task(index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}
