"""Reading EC2 response documents by local names, whatever namespaces they use."""

from reference_drivers._ec2_query import parse

EC2 = "http://ec2.amazonaws.com/doc/2016-11-15/"


def test_a_document_in_one_namespace_is_read_by_local_names():
    root = parse(
        f'<R xmlns="{EC2}"><set><item><id>a</id><info><size>2</size></info></item>'
        "<item><id>b</id></item></set></R>".encode()
    )
    items = list(root.items("set"))
    assert [item.text("id") for item in items] == ["a", "b"]
    assert items[0].text("info/size") == "2"
    assert items[1].text("info/size") is None
    assert items[1].child("info") is None
    assert root.text("missing") is None


def test_children_in_another_namespace_or_none_are_found_too():
    root = parse(
        f'<R xmlns="{EC2}"><set xmlns=""><item><id>a</id></item></set>'
        '<other:code xmlns:other="urn:x">E</other:code></R>'.encode()
    )
    assert [item.text("id") for item in root.items("set")] == ["a"]
    assert root.text("code") == "E"
    assert root.text("set/item/missing") is None
