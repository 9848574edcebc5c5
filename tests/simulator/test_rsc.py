"""The .rsc parser/executor and the one quoting function, round trip."""

import pytest

from routers.routeros import RouterCommandError, RouterOSClient, check_script, rsc_line, rsc_quote
from routers.simulator import Trap

pytestmark = pytest.mark.timeout(60)

HOSTILE = [
    'a"b', "x$y", "$[/system reset-configuration]", "[find]", "a;b", "line\nbreak", "cr\rtab\t",
    "back\\slash", "trailing\\", "q?", "x" * 300, "ünïcødé ☃ 日本", 'x" ; /user add name=evil',
    "", " spaced out ", "{braces}", "#hash", "'single'", "\\22",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_it_round_trips_hostile_values(routersim, value):
    router = routersim()
    script = rsc_line("/system identity", "set", {"name": value})
    assert check_script(script + "\n") == []
    router.import_script(script)
    assert router.identity() == value


def test_it_round_trips_through_file_and_import(routersim):
    router = routersim()
    lines = [rsc_line("/ip pool", "add", {"name": f"p{i}", "ranges": "10.0.0.1",
                                          "comment": value})
             for i, value in enumerate(HOSTILE)]
    script = "\n".join(lines) + "\n"
    assert check_script(script) == []
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        ros.add("/file", name="hostile.rsc", contents=script)
        ros.run("/import", {"file-name": "hostile.rsc"})
    assert [p["comment"] for p in router.items("/ip/pool")] == HOSTILE
    assert [u["name"] for u in router.items("/user")] == ["admin"]


def test_it_applies_nothing_when_the_script_has_a_syntax_error(routersim):
    router = routersim()
    for broken in ('/ip pool add name="ok" ranges="10.0.0.1"\n/ip pool add name="unterminated\n',
                   '/ip pool add name="ok" ranges="10.0.0.1"\n/bogus path add x=y\n',
                   '/ip pool add name="ok" ranges="10.0.0.1"\n/ip pool frob\n',
                   '/ip pool add name="ok" ranges="10.0.0.1"\n/ip pool add name="$x" ranges=1\n',
                   '/ip pool add name="ok" ranges="10.0.0.1"\n/ip pool add nope=1\n'):
        with pytest.raises(Trap) as trap:
            router.import_script(broken)
        assert trap.value.message.startswith("Script Error: syntax error (line 2 column")
        assert router.items("/ip/pool") == []


def test_it_stops_at_the_failing_line_leaving_earlier_lines(routersim):
    router = routersim()
    script = (
        "/ip pool\n"
        'add name="a" ranges="10.0.0.2-10.0.0.9"\n'
        'add name="b" ranges="10.0.1.2-10.0.1.9"\n'
        'add name="a" ranges="10.0.2.2-10.0.2.9"\n'
        'add name="c" ranges="10.0.3.2-10.0.3.9"\n'
    )
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        ros.add("/file", name="s.rsc", contents=script)
        with pytest.raises(RouterCommandError) as err:
            ros.run("/import", {"file-name": "s.rsc"})
    assert err.value.message == "failure: pool with such name exists"
    assert [p["name"] for p in router.items("/ip/pool")] == ["a", "b"]


def test_it_runs_the_product_subset(routersim):
    router = routersim()
    router.import_script(r"""
# onboarding
/system identity set name="edge \"1\""
/user group add name=api-ops policy=read,write,api,test,!ftp
/user add name=ops group=api-ops password="p\$w\3Fd"
/ip service
set api disabled=no port=8728
enable api-ssl
/ip neighbor discovery-settings set discover-interface-list=none
/interface bridge add name=br-hs comment="deploy:7"
/ip pool add name=hs-pool ranges=10.5.0.2-10.5.0.254 \
    comment="deploy:7"
/ip address add address=10.5.0.1/24 interface=br-hs comment="deploy:7"
/ip hotspot profile add name=hsprof-7 hotspot-address=10.5.0.1 login-by=http-chap,mac-cookie
/ip hotspot add name=hs-7 interface=br-hs address-pool=hs-pool profile=hsprof-7
/ppp profile add name=pp-7 local-address=10.6.0.1 remote-address=hs-pool
/ppp aaa set use-radius=yes interim-update=5m
/radius add address=10.0.0.9 secret="s" service=hotspot,ppp comment="deploy:7"
/radius incoming set accept=yes
/interface pppoe-server server add service-name=isp interface=ether3 default-profile=pp-7
/ip pool set [find comment="deploy:7"] comment="deploy:8"
/ip address remove [find where comment="deploy:7"]
:put "done"
""")
    assert router.identity() == 'edge "1"'
    assert router.item("/user", name="ops")["password"] == "p$w?d"
    assert router.item("/ip/service", name="api-ssl")["disabled"] == "false"
    assert router.item("/ip/pool", name="hs-pool")["comment"] == "deploy:8"
    assert router.items("/ip/address") == []
    assert router.items("/ppp/aaa") == [{"use-radius": "true", "accounting": "true",
                                         "interim-update": "5m",
                                         "use-circuit-id-in-nas-port-id": "false",
                                         "enable-ipv6-accounting": "false"}]
    assert router.item("/interface", name="br-hs")["type"] == "bridge"
    assert router.items("/radius/incoming")[0]["accept"] == "true"
    assert router.item("/interface/pppoe-server/server", **{"service-name": "isp"})


def test_it_checks_references_and_values(routersim):
    router = routersim()
    ref = "input does not match any value of "
    cases = [
        ("/ip hotspot add interface=ether1 address-pool=nope", ref + "address-pool"),
        ("/ip hotspot add interface=ether1 profile=nope", ref + "profile"),
        ("/ip pool add name=x ranges=10.0.0.300", "value of range expects range of ip addresses"),
        ("/ip hotspot profile add name=p login-by=telepathy", ref + "login-by"),
        ("/ppp profile add name=p remote-address=nopool", ref + "remote-address"),
        ("/ip address add address=10.0.0.1/24 interface=ether9", ref + "interface"),
        ("/interface/pppoe-server/server add interface=ether1 default-profile=x",
         ref + "default-profile"),
        ("/ip dhcp-server add interface=ether1 address-pool=x", ref + "address-pool"),
        ("/interface bridge add name=ether1", "failure: already have interface with such name"),
    ]
    for line, message in cases:
        with pytest.raises(Trap) as trap:
            router.import_script(line)
        assert trap.value.message == message, line


def test_it_quotes_exactly():
    assert rsc_quote('a"b$c\\\n\r\t?é;[x]') == r'"a\"b\$c\\\n\r\t\3F\C3\A9\3B[x]"'
    assert rsc_quote(True) == '"yes"' and rsc_quote(1500) == '"1500"'
    assert rsc_line("/ip/pool", "set", {"comment": "x"}, find={"comment": "d:1"}) == (
        '/ip pool set [find where comment="d:1"] comment="x"')
    with pytest.raises(ValueError):
        rsc_line("/ip pool", "add", {"name x": "y"})
    assert check_script('/ip hotspot add interface=ether1 comment="x"\n')
