import NIOCore
import Testing

@testable import SwellKit

@Suite struct EventHubTests {
    func drain(_ queue: ClientQueue, count: Int) async -> [ClientQueue.Item] {
        var items: [ClientQueue.Item] = []
        for _ in 0..<count {
            guard let item = await queue.next() else { break }
            items.append(item)
        }
        return items
    }

    func sequences(_ items: [ClientQueue.Item]) -> [Int] {
        items.compactMap { if case .event(let event) = $0 { return event.id?.sequence } else { return nil } }
    }

    @Test func everySubscriberGetsEachEventWithConsecutiveIDs() async {
        let hub = EventHub(instanceID: "abc")
        let first = hub.subscribe(lastEventID: nil)
        let second = hub.subscribe(lastEventID: nil)
        hub.publish(ChangeSet(paths: ["/a.css"]))
        hub.publish(ChangeSet(paths: ["/b.html"]))
        #expect(sequences(await drain(first, count: 2)) == [1, 2])
        let items = await drain(second, count: 2)
        #expect(items.first == .event(LiveEvent(id: EventID(instance: "abc", sequence: 1), name: .update, data: #"{"paths":["/a.css"]}"#)))
        #expect(hub.lastEventID?.description == "abc.2")
        #expect(hub.clientCount == 2)
    }

    @Test func resumeReplaysExactlyWhatWasMissed() async {
        let hub = EventHub(instanceID: "abc")
        for index in 1...5 { hub.publish(ChangeSet(paths: ["/\(index).html"])) }
        let queue = hub.subscribe(lastEventID: "abc.3")
        #expect(sequences(await drain(queue, count: 2)) == [4, 5])
    }

    @Test(arguments: ["other.3", "garbage", "abc.99"])
    func foreignOrFutureIDsGetOneReload(lastEventID: String) async {
        let hub = EventHub(instanceID: "abc")
        hub.publish(ChangeSet(paths: ["/a.css"]))
        let queue = hub.subscribe(lastEventID: lastEventID)
        hub.publish(ChangeSet(paths: ["/b.css"]))
        let items = await drain(queue, count: 2)
        #expect(items.first == .event(.catchUp(id: EventID(instance: "abc", sequence: 1))))
        #expect(sequences(items) == [1, 2])
    }

    @Test func anIDOlderThanTheBufferGetsOneReload() async {
        let hub = EventHub(replayCapacity: 256, instanceID: "abc")
        for index in 1...300 { hub.publish(ChangeSet(paths: ["/\(index).html"])) }
        let queue = hub.subscribe(lastEventID: "abc.10")
        hub.publish(ChangeSet(paths: ["/x.html"]))
        let items = await drain(queue, count: 2)
        #expect(items.first == .event(.catchUp(id: EventID(instance: "abc", sequence: 300))))
        #expect(sequences(items) == [300, 301])
        // Still inside the buffer: replayed one by one.
        let recent = hub.subscribe(lastEventID: "abc.290")
        #expect(sequences(await drain(recent, count: 11)) == Array(291...301))
    }

    @Test func aFullQueueCollapsesIntoOneReloadWithoutDelayingOthers() async {
        let hub = EventHub(queueCapacity: 8, instanceID: "abc")
        let stuck = hub.subscribe(lastEventID: nil)
        let live = hub.subscribe(lastEventID: nil)
        for index in 1...20 {
            hub.publish(ChangeSet(paths: ["/\(index).css"]))
            // The live client keeps up; the stuck one never reads.
            #expect(sequences(await drain(live, count: 1)) == [index])
        }
        #expect(stuck.collapseCount >= 1)
        hub.unsubscribe(stuck)  // ends the queue once its backlog is read, so draining cannot wait
        let backlog = await drain(stuck, count: 100)
        #expect(backlog.count <= 8)
        guard case .event(let first) = backlog.first else {
            Issue.record("the stuck client got nothing")
            return
        }
        #expect(first.name == .reload)
        #expect(sequences(backlog).last == 20)
    }

    @Test func unsubscribeEndsTheQueue() async {
        let hub = EventHub(instanceID: "abc")
        let queue = hub.subscribe(lastEventID: nil)
        hub.unsubscribe(queue)
        #expect(await queue.next() == nil)
        #expect(hub.clientCount == 0)
    }

    @Test func helloCarriesInstanceVersionClientAndNewestIDWithoutAnID() {
        let hub = EventHub(version: "9.9.9", instanceID: "abc")
        let queue = hub.subscribe(lastEventID: nil)
        #expect(hub.hello(for: queue).id == nil)
        #expect(hub.hello(for: queue).data == #"{"server":"abc","version":"9.9.9","client":1,"last":null}"#)
        hub.publish(ChangeSet(paths: ["/a.html"]))
        let expected = #"event: hello\#ndata: {"server":"abc","version":"9.9.9","client":1,"last":"abc.1"}\#n\#n"#
        #expect(String(buffer: hub.hello(for: queue).wire) == expected)
    }

    @Test func presenceCountsStreamsAndThePagesEachServes() {
        let hub = EventHub(instanceID: "abc")
        let shared = hub.subscribe(lastEventID: nil, pages: 3)
        let single = hub.subscribe(lastEventID: nil)
        #expect(hub.presence == EventHub.Presence(streams: 2, pages: 4, streamsOpened: 2))
        #expect(hub.setPages(20, forClient: shared.id))
        #expect(hub.presence.pages == 21)
        hub.unsubscribe(shared)
        #expect(hub.presence == EventHub.Presence(streams: 1, pages: 1, streamsOpened: 2))
        // A stream that is gone cannot be counted again, and a wild number is bounded.
        #expect(!hub.setPages(5, forClient: shared.id))
        #expect(hub.setPages(-4, forClient: single.id))
        #expect(hub.presence.pages == 0)
        #expect(hub.setPages(Int.max, forClient: single.id))
        #expect(hub.presence.pages == EventHub.maximumPagesPerClient)
    }

    @Test func eventIDsParseOnlyTheirOwnShape() {
        #expect(EventID("abc.12") == EventID(instance: "abc", sequence: 12))
        #expect(EventID("a.b.3") == EventID(instance: "a.b", sequence: 3))
        #expect(EventID("abc") == nil)
        #expect(EventID(".3") == nil)
        #expect(EventID("abc.-1") == nil)
    }
}
