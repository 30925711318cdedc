import type { IngressController } from "../args";
import type { FleetContext } from "../context";
import { awsAlbPlan } from "./awsAlb";
import type { IngressPlan } from "./common";
import { gatewayApiPlan } from "./gatewayApi";
import { gkePlan } from "./gke";
import { nginxPlan } from "./nginx";
import { traefikPlan } from "./traefik";

export type { CustomResourcePlan, IngressPlan } from "./common";

const PLANS: Record<IngressController, (ctx: FleetContext) => IngressPlan> = {
  nginx: nginxPlan,
  traefik: traefikPlan,
  gke: gkePlan,
  "aws-alb": awsAlbPlan,
  "gateway-api": gatewayApiPlan,
};

/** How the chosen controller routes traffic to the fleet. */
export function ingressPlan(ctx: FleetContext): IngressPlan {
  return PLANS[ctx.ingress.controller](ctx);
}
