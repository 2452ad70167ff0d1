import type { Db } from "../db/client";
import { deliverEmail, deliveryMode, mailConfig } from "./delivery";
import { nextDueAt, recordAttempt, takeDueEmails } from "./outbox";

const TEAM_ID_KEY = "teamId";

/**
 * Drives a team's outbox from its Durable Object's alarm. The object's own storage holds only
 * the team id and the alarm; every email's state lives in D1. The alarm is armed whenever mail
 * is queued, re-armed by every run while pending emails remain, and re-armed when the object
 * starts, so an email survives failed deliveries, restarts and evictions.
 */
export class OutboxAlarm {
	private teamId: string | null = null;
	private draining: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly state: DurableObjectState,
		private readonly env: Env,
		private readonly db: Db,
		/** The object's write queue: outbox rows change through it like every other write. */
		private readonly serialize: <T>(operation: () => Promise<T>) => Promise<T>,
	) {}

	/** At object start (inside blockConcurrencyWhile): re-arms the alarm if emails are pending. */
	async restore(): Promise<void> {
		this.teamId = (await this.state.storage.get<string>(TEAM_ID_KEY)) ?? null;
		if (this.teamId !== null) {
			await this.arm(this.teamId, false);
		}
	}

	/** After a write that may have queued mail: remembers the team and arms the alarm. */
	async queued(teamId: string): Promise<void> {
		if (this.teamId !== teamId) {
			this.teamId = teamId;
			await this.state.storage.put(TEAM_ID_KEY, teamId);
		}
		await this.arm(teamId, false);
	}

	/** The alarm: one drain at a time; a drain asked for during another runs after it. */
	async run(): Promise<void> {
		// The object is TEAM.idFromName(teamId), so its id's name is the team id as well.
		const teamId =
			this.teamId ??
			(await this.state.storage.get<string>(TEAM_ID_KEY)) ??
			this.state.id.name ??
			null;
		if (teamId === null) {
			return;
		}
		this.teamId = teamId;
		const run = this.draining.then(() => this.drain(teamId));
		this.draining = run.catch(() => undefined);
		await run;
	}

	private async drain(teamId: string): Promise<void> {
		const config = mailConfig(this.env);
		const { emails, more } = await this.serialize(() =>
			takeDueEmails(this.db, teamId, new Date().toISOString()),
		);
		for (const email of emails) {
			// Outside the queue: other writes of the team go on while the transport answers.
			const outcome = await deliverEmail(config, email);
			if (!outcome.ok) {
				console.warn(`invite email ${email.id} (team ${teamId}) not delivered: ${outcome.error}`);
			}
			await this.serialize(() =>
				recordAttempt(
					this.db,
					email,
					outcome,
					new Date().toISOString(),
					Math.random(),
					deliveryMode(config) === "log",
				),
			);
		}
		if (more) {
			await this.state.storage.setAlarm(Date.now());
		} else {
			await this.arm(teamId, true);
		}
	}

	/**
	 * Sets the alarm for the earliest pending email. Outside the alarm an earlier existing alarm
	 * is kept; from the alarm itself the time is always set, as the running alarm is spent.
	 */
	private async arm(teamId: string, fromAlarm: boolean): Promise<void> {
		const next = await nextDueAt(this.db, teamId);
		if (next === null) {
			return;
		}
		const at = Math.max(Date.parse(next), Date.now());
		const current = fromAlarm ? null : await this.state.storage.getAlarm();
		if (current === null || current > at) {
			await this.state.storage.setAlarm(at);
		}
	}
}
