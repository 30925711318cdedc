"""A Socket.IO fleet on AWS from Python, through the socketio-fleet component package.

`pulumi package add ../..` generates the `pulumi_socketio_fleet` SDK from the package schema.
Arguments are the TypeScript ones in snake_case; nested objects are `...Args` classes; enums are
classes with UPPER_SNAKE members (or their string values).
"""

import pulumi
import pulumi_socketio_fleet as socketio_fleet

config = pulumi.Config()


def slow_start(args: pulumi.ResourceTransformArgs):
    """The cross-language escape hatch: change a child's inputs, matched by its type token."""
    if args.type_ == "aws:lb/targetGroup:TargetGroup":
        return pulumi.ResourceTransformResult(props={**args.props, "slowStart": 30}, opts=args.opts)
    return None


fleet = socketio_fleet.AwsSocketIoFleet(
    "chat",
    image="ghcr.io/acme/chat:1.4.2",
    availability_zones=["eu-west-1a", "eu-west-1b"],  # pinned: a subnet's zone is replace-on-change
    replicas=3,
    transports=[socketio_fleet.Transport.POLLING, socketio_fleet.Transport.WEBSOCKET],
    stickiness=socketio_fleet.StickinessArgs(
        mode=socketio_fleet.StickinessMode.COOKIE,
        cookie_name="SIO_NODE",
    ),
    cors=socketio_fleet.CorsArgs(origins=["https://app.acme.com"], credentials=True),
    adapter=socketio_fleet.AdapterKind.REDIS_STREAMS,
    certificate_arn=config.require("certificateArn"),
    domain_name="chat.acme.com",
    redis=socketio_fleet.AwsRedisArgs(
        mode=socketio_fleet.AwsRedisMode.EXTERNAL,
        url=config.require_secret("redisUrl"),
        cidr_ipv4="10.1.0.0/16",
    ),
    opts=pulumi.ResourceOptions(transforms=[slow_start]),
)

pulumi.export("url", fleet.url)
pulumi.export("load_balancer_dns_name", fleet.load_balancer_dns_name)
