CREATE TABLE "escalations" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"workflow_id" text NOT NULL,
	"invoice_external_id" text NOT NULL,
	"debtor_id" text NOT NULL,
	"step_id" text NOT NULL,
	"queue" text NOT NULL,
	"tier" integer NOT NULL,
	"priority" integer NOT NULL,
	"reason" text NOT NULL,
	"due_by" timestamp with time zone NOT NULL,
	"allowed_from" timestamp with time zone,
	"allowed_until" timestamp with time zone,
	"status" text NOT NULL,
	"claimed_by" text,
	"outcome" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"invoice_external_id" text NOT NULL,
	"debtor_id" text NOT NULL,
	"step_id" text NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"status" text NOT NULL,
	"provider_message_id" text,
	"subject" text,
	"body_text" text NOT NULL,
	"body_html" text,
	"content_hash" text NOT NULL,
	"covers_invoices" text[] NOT NULL,
	"policy_id" text NOT NULL,
	"policy_version" integer NOT NULL,
	"error_code" text,
	"error_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sms_delivery_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sms_delivery_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"provider_message_id" text NOT NULL,
	"status" text NOT NULL,
	"error_code" text,
	"payload" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "escalations_queue_status_idx" ON "escalations" USING btree ("queue","status","priority","due_by");--> statement-breakpoint
CREATE INDEX "escalations_workflow_idx" ON "escalations" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "messages_debtor_created_idx" ON "messages" USING btree ("debtor_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_provider_id_idx" ON "messages" USING btree ("provider_message_id");--> statement-breakpoint
CREATE INDEX "messages_workflow_idx" ON "messages" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "sms_delivery_events_message_idx" ON "sms_delivery_events" USING btree ("provider_message_id");