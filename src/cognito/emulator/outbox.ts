import { Injectable } from '@nestjs/common';

export interface OutboxMessage {
  email: string;
  /** What the code is for: `SignUp`, `ForgotPassword`, `ResendCode`, ... */
  kind: string;
  code: string;
  /** ISO 8601 */
  at: string;
}

const MAX_MESSAGES = 1000;

/**
 * Codes the embedded emulator "sent", kept in memory for the dev outbox
 * route. Bounded: the oldest messages are dropped past MAX_MESSAGES.
 */
@Injectable()
export class Outbox {
  private readonly messages: OutboxMessage[] = [];

  add(message: OutboxMessage): void {
    this.messages.push({ ...message, email: message.email.toLowerCase() });
    if (this.messages.length > MAX_MESSAGES) this.messages.shift();
  }

  /** Oldest first; only the given address when one is named. */
  list(email?: string): OutboxMessage[] {
    const wanted = email?.trim().toLowerCase();
    return this.messages.filter((m) => !wanted || m.email === wanted);
  }
}
