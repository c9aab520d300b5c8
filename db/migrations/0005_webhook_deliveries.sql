CREATE TABLE "webhook_deliveries" (
	"subscription_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"event_type" text NOT NULL,
	"status_code" integer NOT NULL,
	"delivered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_subscription_id_delivery_id_pk" PRIMARY KEY("subscription_id","delivery_id")
);
