import type { BrowserContext, Page } from "playwright-core";
import { afterEach, describe, expect, test } from "vitest";
import { api, createTeam, loginLink, origin, screenshot, useChromium } from "./harness";

/** What the admin page refuses, in a real browser: SCIM without its precondition, cross-site
 * forms, and everything after signing out. */

const browser = useChromium();
const contexts: BrowserContext[] = [];

afterEach(async () => {
	await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** A new browser profile signed in to the team's admin page. */
async function signedIn(teamId: string, email: string, base = origin): Promise<Page> {
	const context = await browser().newContext({ viewport: { width: 1200, height: 800 } });
	context.setDefaultTimeout(10_000);
	contexts.push(context);
	const page = await context.newPage();
	await page.goto((await loginLink(teamId, email)).replace(origin, base));
	await page.getByRole("button", { name: "Sign in" }).click();
	await page.waitForURL(`${base}/admin`);
	return page;
}

describe("the admin page in Chromium", () => {
	test("says why SCIM cannot be turned on while the team has two SSO methods", async () => {
		const { teamId, adminEmail } = await createTeam(
			"Two SSO",
			["saml", "oidc"],
			"admin@two.example",
		);
		const page = await signedIn(teamId, adminEmail);

		const problem = page.getByRole("alert");
		expect(await problem.innerText()).toMatch(/exactly one SSO method/i);
		expect(await page.locator("main").innerText()).toContain("SSO methods: oidc, saml");
		const turnOn = page.getByRole("button", { name: "Turn SCIM on" });
		expect(await turnOn.isDisabled()).toBe(true);
		await screenshot(page, "13-authentication-precondition");

		// Sent anyway (the button re-enabled by hand): the server refuses with the same reason.
		await turnOn.evaluate((b) => b.removeAttribute("disabled"));
		const [answer] = await Promise.all([
			page.waitForResponse(`${origin}/admin/scim`),
			turnOn.click(),
		]);
		expect(answer.status()).toBe(409);
		await page.waitForLoadState();
		expect(await page.getByRole("alert").first().innerText()).toMatch(/exactly one SSO method/i);
		expect(await api("GET", `/teams/${teamId}`)).toMatchObject({ scimEnabled: false });

		await page.goto(`${origin}/admin/keys`);
		expect(await page.getByRole("alert").innerText()).toContain("No SCIM key can be generated");
		expect(await page.getByRole("button", { name: "Generate key" }).count()).toBe(0);
	});

	test("refuses a form posted to it from another site, even one carrying the session's cookie", async () => {
		const { teamId, adminEmail } = await createTeam("Csrf", ["saml"], "admin@csrf.example");
		await api("PUT", `/teams/${teamId}/scim`, { enabled: true });
		const page = await signedIn(teamId, adminEmail);
		const csrf = await page.locator('input[name="_csrf"]').first().inputValue();

		// A page of another origin (served by the browser itself) whose form turns SCIM off. It even
		// knows the session's CSRF token, so only the Origin check stands in its way.
		await page.route("http://attacker.example/**", (route) =>
			route.fulfill({
				contentType: "text/html",
				body: `<!doctype html><form method="post" action="${origin}/admin/scim">
					<input type="hidden" name="_csrf" value="${csrf}">
					<input type="hidden" name="enabled" value="false">
					<input type="hidden" name="confirm" value="yes">
					<button>Win a prize</button></form>`,
			}),
		);
		await page.goto("http://attacker.example/prize");
		const [answer] = await Promise.all([
			page.waitForResponse(`${origin}/admin/scim`),
			page.getByRole("button", { name: "Win a prize" }).click(),
		]);
		expect(answer.status()).toBe(403);
		expect(await answer.request().allHeaders()).toMatchObject({
			origin: "http://attacker.example",
		});
		expect(await page.locator("main").innerText()).toContain("it came from another site");
		await screenshot(page, "14-csrf-refused");
		expect(await api("GET", `/teams/${teamId}`)).toMatchObject({ scimEnabled: true });

		// A form of this origin without the session's token is refused too (the second layer).
		await page.goto(`${origin}/admin/scim/off`);
		await page
			.locator('form[action="/admin/scim"] input[name="_csrf"]')
			.evaluate((e) => e.remove());
		await page.getByRole("checkbox").check();
		const [tokenless] = await Promise.all([
			page.waitForResponse(`${origin}/admin/scim`),
			page.getByRole("button", { name: "Turn SCIM off" }).click(),
		]);
		expect(tokenless.status()).toBe(403);
		// The browser sends it exactly like the form with its token that works (Sec-Fetch-Site:
		// same-origin and the page's own Origin): the token decides.
		expect(await page.locator("main").innerText()).toContain("the page is out of date");
		expect(await api("GET", `/teams/${teamId}`)).toMatchObject({ scimEnabled: true });
	});

	test("signing out ends the session", async () => {
		const { teamId, adminEmail } = await createTeam("Logout", ["saml"], "admin@logout.example");
		const page = await signedIn(teamId, adminEmail);
		expect((await page.context().cookies()).map((c) => c.name)).toEqual(["__Host-scim_admin"]);

		await page.getByRole("button", { name: "Sign out" }).click();
		await page.waitForURL(`${origin}/admin/logout`);
		expect(await page.locator("main").innerText()).toContain("You are signed out.");
		expect(await page.locator("nav").count()).toBe(0);
		await screenshot(page, "15-signed-out");
		expect(await page.context().cookies()).toEqual([]);

		for (const path of ["/admin", "/admin/keys", "/admin/members", "/admin/log"]) {
			const res = await page.goto(`${origin}${path}`);
			expect(res?.status(), path).toBe(401);
			expect(await page.locator("main").innerText()).toContain(
				"Sign in to see the team's admin page.",
			);
		}
	});

	test("the __Host- Secure cookie also works on http://127.0.0.1, which Chromium trusts too", async () => {
		const { teamId, adminEmail } = await createTeam("Loopback", ["saml"], "admin@loopback.example");
		const base = origin.replace("localhost", "127.0.0.1");
		const page = await signedIn(teamId, adminEmail, base);
		expect(await page.locator("header").innerText()).toContain(`Signed in as ${adminEmail}`);
		const [cookie] = await page.context().cookies();
		expect(cookie).toMatchObject({ name: "__Host-scim_admin", domain: "127.0.0.1", secure: true });
	});
});
