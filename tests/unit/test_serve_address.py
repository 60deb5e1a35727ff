"""`make serve` prints the address of the ini's [server:main], not a fixed one."""

from __future__ import annotations

from guide.scripts.address import addresses, main


def test_the_listen_addresses_of_the_ini_are_printed(tmp_path, capsys):
    ini = tmp_path / "site.ini"
    ini.write_text("[server:main]\nuse = egg:waitress#main\nlisten = 0.0.0.0:8080 [::1]:8081\n")
    assert addresses(ini) == ["http://localhost:8080", "http://[::1]:8081"]
    assert main([str(ini)]) == 0
    assert capsys.readouterr().out == "http://localhost:8080 http://[::1]:8081\n"


def test_host_and_port_are_read_when_there_is_no_listen(tmp_path):
    ini = tmp_path / "site.ini"
    ini.write_text("[server:main]\nuse = egg:waitress#main\nhost = 127.0.0.1\nport = 7000\n")
    assert addresses(ini) == ["http://127.0.0.1:7000"]


def test_the_development_ini_address():
    assert addresses("development.ini") == ["http://localhost:6543"]
