// `node scripts/node22.mjs <command> [args...]`: runs the command on Node >= 22.12, which wrangler
// and the tests need. On an older Node it first fetches Node 22 from the npm registry (the `node`
// package) into ${XDG_CACHE_HOME:-~/.cache}/scim-edge/node22, once, and puts it first on PATH, so
// the command and everything it starts run on it. `npm start` and `npm test` go through here.
// `node scripts/node22.mjs --bin-dir` only prints the directory to put first on PATH (nothing when
// this Node is recent enough); .ci/run uses that.
//
// Plain JavaScript for any Node from 18 on: it runs before the version is known.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const MINIMUM = [22, 12];

/** Whether a version string ("v20.20.2" or "20.20.2") is at least 22.12. */
export function isRecentEnough(version) {
	const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
	return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]);
}

/** Where Node 22 is cached (the same place .ci/run has always used). */
export function cacheDir(env) {
	return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "scim-edge", "node22");
}

/** The directory holding the cached `node`, installing it first if needed. */
function ensureNode22(dir) {
	const bin = join(dir, "node_modules", ".bin");
	if (cachedVersion(bin) === null) {
		console.error(`Installing Node.js 22 from the npm registry into ${dir} (once) ...`);
		mkdirSync(dir, { recursive: true });
		const npm = spawnSync(
			"npm",
			["install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", "node@22"],
			{ encoding: "utf8", shell: process.platform === "win32" },
		);
		if (npm.status !== 0 || cachedVersion(bin) === null) {
			process.stderr.write(`${npm.stdout ?? ""}${npm.stderr ?? ""}`);
			console.error(
				`Could not install Node.js 22 into ${dir}. Install Node.js ${MINIMUM.join(".")} or newer yourself (https://nodejs.org) and try again.`,
			);
			process.exit(1);
		}
	}
	return bin;
}

/** The version of the `node` in `bin`, or null when there is none recent enough. */
function cachedVersion(bin) {
	if (!existsSync(join(bin, "node"))) {
		return null;
	}
	const result = spawnSync(join(bin, "node"), ["--version"], { encoding: "utf8" });
	const version = result.status === 0 ? result.stdout.trim() : "";
	return isRecentEnough(version) ? version : null;
}

function main(args) {
	const recent = isRecentEnough(process.version);
	if (args[0] === "--bin-dir") {
		if (!recent) {
			console.log(ensureNode22(cacheDir(process.env)));
		}
		return;
	}
	if (args.length === 0) {
		console.error("usage: node scripts/node22.mjs <command> [args...]");
		process.exit(2);
	}
	const env = { ...process.env };
	let node = process.execPath;
	if (!recent) {
		const bin = ensureNode22(cacheDir(process.env));
		env.PATH = `${bin}${delimiter}${env.PATH ?? ""}`;
		node = join(bin, "node");
		console.error(
			`Node.js ${process.version} is older than ${MINIMUM.join(".")}: running with Node.js ${cachedVersion(bin)} from ${bin}.`,
		);
	}
	const command = args[0] === "node" ? node : args[0];
	const child = spawn(command, args.slice(1), {
		stdio: "inherit",
		env,
		shell: process.platform === "win32",
	});
	// Ctrl-C reaches the child from the terminal (this process waits for it to finish); a signal
	// sent to this process alone is passed on.
	process.on("SIGINT", () => {});
	for (const signal of ["SIGTERM", "SIGHUP"]) {
		process.on(signal, () => child.kill(signal));
	}
	child.on("error", (error) => {
		console.error(`Could not run ${args[0]}: ${error.message}`);
		process.exit(1);
	});
	child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	main(process.argv.slice(2));
}
