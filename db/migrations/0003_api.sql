CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_keys_role_known" CHECK ("api_keys"."role" in ('admin', 'ops', 'collector', 'compliance', 'integrator'))
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"detail" jsonb NOT NULL,
	"request_id" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disputes" (
	"id" text PRIMARY KEY NOT NULL,
	"invoice_external_id" text NOT NULL,
	"currency" char(3) NOT NULL,
	"amount_minor" bigint,
	"reason" text,
	"status" text NOT NULL,
	"credit_minor" bigint,
	"opened_by" text NOT NULL,
	"resolved_by" text,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "invoice_requests" (
	"external_id" text PRIMARY KEY NOT NULL,
	"request_hash" text NOT NULL,
	"request" jsonb NOT NULL,
	"response" jsonb NOT NULL,
	"workflow_id" text NOT NULL,
	"run_id" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"invoice_external_id" text NOT NULL,
	"reference" text NOT NULL,
	"currency" char(3) NOT NULL,
	"amount_minor" bigint NOT NULL,
	"received_on" date,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_invoice_external_id_reference_pk" PRIMARY KEY("invoice_external_id","reference"),
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount_minor" > 0),
	CONSTRAINT "payments_currency_iso4217" CHECK ("payments"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "promises" (
	"id" text PRIMARY KEY NOT NULL,
	"invoice_external_id" text NOT NULL,
	"pay_by" date NOT NULL,
	"currency" char(3) NOT NULL,
	"amount_minor" bigint,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"events" text[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_archives" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"invoice_external_id" text NOT NULL,
	"status" text NOT NULL,
	"closed_at" timestamp with time zone,
	"final_state" jsonb NOT NULL,
	"timeline" jsonb NOT NULL,
	"history_json" text NOT NULL,
	"history_sha256" text NOT NULL,
	"event_count" integer NOT NULL,
	"archived_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_events_target_idx" ON "audit_events" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_hash_idx" ON "audit_events" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "disputes_invoice_idx" ON "disputes" USING btree ("invoice_external_id");--> statement-breakpoint
CREATE INDEX "promises_invoice_idx" ON "promises" USING btree ("invoice_external_id");--> statement-breakpoint
CREATE INDEX "workflow_archives_closed_idx" ON "workflow_archives" USING btree ("closed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_archives_invoice_idx" ON "workflow_archives" USING btree ("invoice_external_id");