import type { BundleSize } from "./bundle.ts";
import type { PhaseResult } from "./stats.ts";

/** Targets the benchmark checks (README "Performance"). */
export const TARGETS = {
	minRpsRatio: 0.9,
	maxP99Ratio: 1.3,
	maxDeepPageRatio: 1.5,
	maxBundleGzipKiB: 100,
};

export interface PhaseComparison {
	phase: string;
	app: PhaseResult;
	baseline: PhaseResult;
	rpsRatio: number;
	p99Ratio: number;
}

export interface BigTeamResult {
	users: number;
	firstPage: PhaseResult;
	deepPage: PhaseResult;
	deepStartIndex: number;
	filter: PhaseResult;
	/** Deep page p50 over first page p50. */
	deepPageRatio: number;
}

export interface BenchReport {
	startedAt: string;
	durationSeconds: number;
	machine: Record<string, string | number>;
	options: Record<string, number | boolean>;
	phases: PhaseComparison[];
	bigTeam: BigTeamResult | null;
	bundle: BundleSize;
	targets: { name: string; measured: string; target: string; met: boolean }[];
}

export function compare(app: PhaseResult, baseline: PhaseResult): PhaseComparison {
	return {
		phase: app.phase,
		app,
		baseline,
		rpsRatio: ratio(app.rps, baseline.rps),
		p99Ratio: ratio(app.p99, baseline.p99),
	};
}

export function targetChecks(
	phases: PhaseComparison[],
	bigTeam: BigTeamResult | null,
	bundle: BundleSize,
): BenchReport["targets"] {
	const checks: BenchReport["targets"] = [];
	for (const p of phases) {
		checks.push({
			name: `${p.phase}: req/s vs baseline`,
			measured: `${p.rpsRatio}×`,
			target: `≥ ${TARGETS.minRpsRatio}×`,
			met: p.rpsRatio >= TARGETS.minRpsRatio,
		});
		checks.push({
			name: `${p.phase}: p99 vs baseline`,
			measured: `${p.p99Ratio}×`,
			target: `≤ ${TARGETS.maxP99Ratio}×`,
			met: p.p99Ratio <= TARGETS.maxP99Ratio,
		});
	}
	if (bigTeam) {
		checks.push({
			name: `deep page (startIndex=${bigTeam.deepStartIndex}) p50 vs first page p50`,
			measured: `${bigTeam.deepPageRatio}×`,
			target: `≤ ${TARGETS.maxDeepPageRatio}×`,
			met: bigTeam.deepPageRatio <= TARGETS.maxDeepPageRatio,
		});
	}
	checks.push({
		name: "bundle, gzipped",
		measured: `${bundle.gzipKiB} KiB`,
		target: `≤ ${TARGETS.maxBundleGzipKiB} KiB`,
		met: bundle.gzipKiB <= TARGETS.maxBundleGzipKiB,
	});
	return checks;
}

/** The summary as markdown tables, ready to paste into the README. */
export function markdown(report: BenchReport): string {
	const lines: string[] = [];
	const m = report.machine;
	lines.push(
		`Measured ${report.startedAt.slice(0, 10)} on ${m.nproc} CPU cores (${m.cpu}), ${m.memoryGiB} GiB RAM, Node ${m.node}, wrangler ${m.wrangler}; ${report.options.users} users, concurrency ${report.options.concurrency}, ${report.durationSeconds} s in all.`,
		"",
		"| phase | requests | scim-edge req/s | baseline req/s | req/s ratio | scim-edge p50 / p95 / p99 ms | baseline p50 / p95 / p99 ms | p99 ratio | errors (edge / base) |",
		"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
	);
	for (const p of report.phases) {
		lines.push(
			`| ${p.phase} | ${p.app.requests} | ${p.app.rps} | ${p.baseline.rps} | ${p.rpsRatio}× | ${ms(p.app)} | ${ms(p.baseline)} | ${p.p99Ratio}× | ${p.app.errors} / ${p.baseline.errors} |`,
		);
	}
	if (report.bigTeam) {
		const b = report.bigTeam;
		lines.push(
			"",
			`| team of ${b.users} users (one request at a time) | p50 / p95 / p99 ms | errors |`,
			"| --- | ---: | ---: |",
			`| first page (startIndex=1&count=100) | ${ms(b.firstPage)} | ${b.firstPage.errors} |`,
			`| deep page (startIndex=${b.deepStartIndex}&count=100) | ${ms(b.deepPage)} | ${b.deepPage.errors} |`,
			`| filter userName eq | ${ms(b.filter)} | ${b.filter.errors} |`,
		);
	}
	lines.push(
		"",
		`Bundle (\`wrangler deploy --dry-run\`): ${report.bundle.rawKiB} KiB raw, ${report.bundle.gzipKiB} KiB gzipped.`,
		"",
		"| target | measured | wanted | met |",
		"| --- | ---: | ---: | :---: |",
		...report.targets.map(
			(t) => `| ${t.name} | ${t.measured} | ${t.target} | ${t.met ? "yes" : "**no**"} |`,
		),
	);
	return lines.join("\n");
}

function ms(p: PhaseResult): string {
	return `${p.p50} / ${p.p95} / ${p.p99}`;
}

function ratio(a: number, b: number): number {
	return b === 0 ? 0 : Math.round((a / b) * 100) / 100;
}
