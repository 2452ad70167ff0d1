import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { wrangler } from "./servers.ts";

export interface BundleSize {
	files: { file: string; rawKiB: number; gzipKiB: number }[];
	rawKiB: number;
	gzipKiB: number;
}

/** The size of what `wrangler deploy` would upload: raw and gzipped (node:zlib, default level). */
export async function measureBundle(outdir: string): Promise<BundleSize> {
	await wrangler(["deploy", "--dry-run", "--outdir", outdir]);
	const files = walk(outdir)
		// What the runtime loads: not the source maps, nor the README.md wrangler writes beside them.
		.filter((file) => /\.(js|mjs|cjs|wasm)$/.test(file))
		.map((file) => {
			const bytes = readFileSync(file);
			return {
				file: relative(outdir, file),
				rawKiB: kib(bytes.byteLength),
				gzipKiB: kib(gzipSync(bytes).byteLength),
			};
		});
	return {
		files,
		rawKiB: kib(files.reduce((sum, f) => sum + f.rawKiB * 1024, 0)),
		gzipKiB: kib(files.reduce((sum, f) => sum + f.gzipKiB * 1024, 0)),
	};
}

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? walk(path) : [path];
	});
}

function kib(bytes: number): number {
	return Math.round((bytes / 1024) * 10) / 10;
}
