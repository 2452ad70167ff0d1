import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, inject } from "vitest";

/** Helpers for the browser tests: the server started by global-setup.ts, its APIs, Chromium. */

export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOTS = resolve(import.meta.dirname, "../../test-results/screenshots");

export const origin = inject("e2eOrigin");
const serviceToken = inject("e2eServiceToken");

/** Waits until wrangler dev answers; fails with the end of its log when it does not. */
export async function waitForServer(timeoutMs = 60_000): Promise<void> {
	const setupError = inject("e2eSetupError");
	if (setupError) {
		throw new Error(setupError);
	}
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			if ((await fetch(`${origin}/`)).ok) {
				return;
			}
		} catch {}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(
		`wrangler dev did not answer on ${origin} within ${timeoutMs / 1000} s. End of its log:\n${serverLog().slice(-3000)}`,
	);
}

/** Everything wrangler dev printed so far. */
export function serverLog(): string {
	const file = inject("e2eLogFile");
	return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** A call to the service API; throws unless it answers `expected`. */
export async function api<T = Record<string, unknown>>(
	method: string,
	path: string,
	body?: unknown,
	expected = method === "POST" ? 201 : method === "DELETE" ? 204 : 200,
): Promise<T> {
	const res = await fetch(`${origin}/api/v1${path}`, {
		method,
		headers: { Authorization: `Bearer ${serviceToken}`, "Content-Type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	if (res.status !== expected) {
		throw new Error(`${method} /api/v1${path} answered ${res.status}, not ${expected}: ${text}`);
	}
	return (text ? JSON.parse(text) : null) as T;
}

/** A SCIM request with a key, as an identity provider would send it. */
export function scim(token: string, method: string, path: string, body?: unknown) {
	return fetch(`${origin}/scim/v2${path}`, {
		method,
		headers: {
			Authorization: `Bearer ${token}`,
			"Content-Type": "application/scim+json",
			"User-Agent": "Okta SCIM Client 1.0.0",
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

/** A team with one admin; `sso` methods set, SCIM off. */
export async function createTeam(name: string, sso: string[], adminEmail: string) {
	const team = await api<{ id: string }>("POST", "/teams", { name });
	await api("PUT", `/teams/${team.id}/sso`, { methods: sso });
	await api("POST", `/teams/${team.id}/admins`, { email: adminEmail });
	return { teamId: team.id, adminEmail };
}

/** A fresh single-use login link to the team's admin page. */
export async function loginLink(teamId: string, email: string): Promise<string> {
	return (await api<{ url: string }>("POST", "/admin-login-links", { teamId, email })).url;
}

/**
 * Headless Chromium from the system (never downloaded). Playwright gives each launch a fresh
 * --user-data-dir in a temp dir and removes it on close.
 */
export async function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`The browser tests need Chromium at ${CHROMIUM}, and it is missing. Install it with ` +
				"`apt-get update && apt-get install -y chromium` (.ci/run does this as root).",
		);
	}
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--no-first-run",
			"--disable-quic",
			"--disable-sync",
		],
	});
}

/**
 * Registers the hooks of a browser test file: wait for the server, launch Chromium, close it at
 * the end. When either cannot be had, every test of the file fails with the reason (rather than
 * being skipped, as a failing beforeAll would leave them). Returns the browser's getter.
 */
export function useChromium(): () => Browser {
	let browser: Browser | undefined;
	let failure: unknown;
	beforeAll(async () => {
		try {
			await waitForServer();
			browser = await launchChromium();
		} catch (error) {
			failure = error;
		}
	});
	beforeEach(() => {
		if (failure) {
			throw failure;
		}
	});
	afterAll(async () => {
		await browser?.close();
	});
	return () => {
		if (!browser) {
			throw new Error("Chromium is not running");
		}
		return browser;
	};
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	const path = resolve(SCREENSHOTS, `${name}.png`);
	await page.screenshot({ path, fullPage: true });
	return path;
}
