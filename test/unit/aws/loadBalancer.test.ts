import { strict as assert } from "node:assert";
import { AwsSocketIoFleet } from "../../../components/aws";
import { unwrap } from "../../helpers/unwrap";
import { withWarnings } from "../../helpers/warnings";
import { ALB_DNS, T, awsMocks, baseArgs, build, containers } from "./fixtures";

describe("AwsSocketIoFleet: target group, load balancer, listeners", () => {
  it("creates a target group: ip targets, readiness health check, deregistration delay sized to the drain, lb_cookie stickiness", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const tg = mocks.one(T.tg);
    assert.equal(tg.name, "fleet-tg");
    assert.deepEqual(tg.inputs, {
      targetType: "ip",
      port: 3000,
      protocol: "HTTP",
      vpcId: "vpc-123",
      // The 3 s ECS status poll + the app's 25 s drain + 5 s margin.
      deregistrationDelay: 33,
      healthCheck: {
        enabled: true,
        path: "/readyz",
        protocol: "HTTP",
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      stickiness: { enabled: true, type: "lb_cookie", cookieDuration: 86400 },
    });
  });

  it("passes deregistrationDelaySeconds through; probes readiness whatever healthCheckPath (liveness) is", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ deregistrationDelaySeconds: 0, healthCheckPath: "/live" }),
        ),
    );
    const tg = mocks.one(T.tg).inputs;
    assert.equal(tg.deregistrationDelay, 0);
    assert.equal(tg.healthCheck.path, "/readyz");
    assert.deepEqual(containers(mocks)[0].healthCheck.command.slice(0, 3), ["CMD", "node", "-e"]);
    assert.match(containers(mocks)[0].healthCheck.command[3], /127\.0\.0\.1:3000\/live'/);
  });

  it("creates an internet-facing ALB with the idle timeout and invalid headers dropped", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () => new AwsSocketIoFleet("fleet", baseArgs({ connectionTimeoutSeconds: 1200 })),
    );
    const lb = mocks.one(T.lb);
    assert.equal(lb.name, "fleet-alb");
    assert.deepEqual(lb.inputs, {
      loadBalancerType: "application",
      internal: false,
      securityGroups: ["fleet-alb-sg-id"],
      subnets: ["subnet-pub-a", "subnet-pub-b"],
      idleTimeout: 1200,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: false,
    });
  });

  it("adds access logs and deletion protection when asked", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ accessLogsBucket: "acme-alb-logs", deletionProtection: true }),
        ),
    );
    const lb = mocks.one(T.lb).inputs;
    assert.deepEqual(lb.accessLogs, { bucket: "acme-alb-logs", prefix: "fleet", enabled: true });
    assert.equal(lb.enableDeletionProtection, true);
  });

  it("without a certificate: one HTTP listener on 80 forwarding to the target group", async () => {
    const mocks = await awsMocks();
    const fleet = await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const listeners = mocks.ofType(T.listener);
    assert.deepEqual(
      listeners.map((l) => [l.name, l.inputs]),
      [
        [
          "fleet-http",
          {
            loadBalancerArn: `arn:mock:${T.lb}:fleet-alb`,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "forward", targetGroupArn: `arn:mock:${T.tg}:fleet-tg` }],
          },
        ],
      ],
    );
    assert.equal(await unwrap(fleet.url), `http://${ALB_DNS}`);
    assert.equal(fleet.httpsListener, undefined);
  });

  it("with a certificate: HTTPS on 443 with the TLS 1.3 policy, and 80 only redirects", async () => {
    const mocks = await awsMocks();
    const cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
    const fleet = await build(
      mocks,
      () => new AwsSocketIoFleet("fleet", baseArgs({ certificateArn: cert })),
    );
    const byName = Object.fromEntries(mocks.ofType(T.listener).map((l) => [l.name, l.inputs]));
    assert.deepEqual(Object.keys(byName).sort(), ["fleet-http", "fleet-https"]);
    assert.deepEqual(byName["fleet-https"], {
      loadBalancerArn: `arn:mock:${T.lb}:fleet-alb`,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: cert,
      defaultActions: [{ type: "forward", targetGroupArn: `arn:mock:${T.tg}:fleet-tg` }],
    });
    assert.deepEqual(byName["fleet-http"], {
      loadBalancerArn: `arn:mock:${T.lb}:fleet-alb`,
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
    });
    assert.equal(await unwrap(fleet.url), `https://${ALB_DNS}`);
  });

  it("warns when a certificate comes without domainName (the ALB's name fails TLS)", async () => {
    const mocks = await awsMocks();
    const { warnings } = await withWarnings(() =>
      build(
        mocks,
        () =>
          new AwsSocketIoFleet(
            "fleet",
            baseArgs({ certificateArn: CERT, availabilityZones: ZONES }),
          ),
      ),
    );
    assert.deepEqual(warnings, [
      "`certificateArn` is set without `domainName`: `url` becomes https://<the ALB's DNS name>, " +
        "which no ACM certificate covers, so browsers reject it; set `domainName` to the name the " +
        "certificate is for and point a DNS record (alias) at `loadBalancerDnsName`",
    ]);
  });

  it("warns with the numbers when the deregistration delay is shorter than the drain; none at 33 s", async () => {
    const delay = async (deregistrationDelaySeconds?: number) => {
      const mocks = await awsMocks();
      const { warnings } = await withWarnings(() =>
        build(
          mocks,
          () =>
            new AwsSocketIoFleet(
              "fleet",
              baseArgs({ deregistrationDelaySeconds, availabilityZones: ZONES }),
            ),
        ),
      );
      return { warnings, delay: mocks.one(T.tg).inputs.deregistrationDelay };
    };
    assert.deepEqual(await delay(30), {
      delay: 30,
      warnings: [
        "`deregistrationDelaySeconds` (30) is below the 33 s a stopping task needs to move its " +
          "clients off (3 s ECS status poll + 25 s drain + 5 s margin): when it ends, the ALB " +
          "closes the websockets still open on the task at once and their clients all reconnect " +
          "together; set it to 33 or more (the default) unless faster rollouts are worth that",
      ],
    });
    assert.deepEqual(await delay(33), { delay: 33, warnings: [] });
    assert.deepEqual(await delay(), { delay: 33, warnings: [] });
    assert.deepEqual(await delay(120), { delay: 120, warnings: [] });
  });

  it("uses domainName in the url when given, without a warning", async () => {
    const mocks = await awsMocks();
    const { warnings, result: fleet } = await withWarnings(() =>
      build(
        mocks,
        () =>
          new AwsSocketIoFleet(
            "fleet",
            baseArgs({
              certificateArn: CERT,
              domainName: "chat.example.com",
              availabilityZones: ZONES,
            }),
          ),
      ),
    );
    assert.deepEqual(warnings, []);
    assert.equal(await unwrap(fleet.url), "https://chat.example.com");
  });
});

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
/** Pinned zones: no availabilityZones warning beside the one a test looks for. */
const ZONES = ["us-east-1a", "us-east-1b"];
