CREATE TABLE "contact_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"debtor_id" text NOT NULL,
	"debt_id" text,
	"at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"outcome" text NOT NULL,
	"direction" text DEFAULT 'outbound' NOT NULL,
	"connected" boolean DEFAULT true NOT NULL,
	"disposition" text,
	"to_address" text,
	"address_type" text,
	"party" text,
	"call_id" text,
	"purpose" text,
	"prerecorded" boolean DEFAULT false NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "debtor_events" (
	"id" text PRIMARY KEY NOT NULL,
	"debtor_id" text NOT NULL,
	"debt_id" text,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "debtors" ADD COLUMN "compliance_context" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "debtors" ADD COLUMN "candidate_time_zones" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
CREATE INDEX "contact_attempts_debtor_at_idx" ON "contact_attempts" USING btree ("debtor_id","at");--> statement-breakpoint
CREATE INDEX "debtor_events_debtor_at_idx" ON "debtor_events" USING btree ("debtor_id","at");