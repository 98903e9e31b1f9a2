// recv-threads: a .NET process shaped like the motivating case (a service whose threads sit in a socket receive), in
// miniature, so tests can take real core dumps of a real managed runtime (see make-runtime-dump.mjs).
//
//   dotnet recv-threads.exe N READY_FILE [MAX_WAIT_SECONDS]
//
// - Connects N loopback TCP pairs and starts N threads, each blocked in Socket.Receive on one end; nobody sends.
//   Each thread reaches the receive through two named methods of its own (RequestWorker.Serve, then
//   RequestWorker.WaitForRequest, never inlined), so a stack walk has managed frames with known names between the
//   thread's start and the runtime's Socket code.
// - Keeps some managed heap alive (byte arrays and strings), so the GC heap holds more than the runtime's own objects.
// - When every thread has started, writes READY_FILE (READY_FILE.tmp, then a rename) holding the pid, then sleeps.
// - Exits 3 after MAX_WAIT_SECONDS (default 600), so a forgotten process does not live forever.
//
// Built with Mono's mcs as a .NET Framework exe that uses only APIs .NET Core 2.0 forwards, so it runs there too.
using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;

// One thread's work: wait for a request that never comes. Not inlined, so each method keeps a frame of its own.
sealed class RequestWorker
{
    readonly Socket socket;
    readonly CountdownEvent started;

    public RequestWorker(Socket socket, CountdownEvent started)
    {
        this.socket = socket;
        this.started = started;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Serve()
    {
        var buffer = new byte[64];
        started.Signal();
        WaitForRequest(buffer);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    int WaitForRequest(byte[] buffer)
    {
        return socket.Receive(buffer);
    }
}

static class RecvThreads
{
    static readonly List<object> Keep = new List<object>();

    static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: recv-threads N READY_FILE [MAX_WAIT_SECONDS]");
            return 2;
        }
        int threads = int.Parse(args[0]);
        string ready = args[1];
        int maxWait = args.Length > 2 ? int.Parse(args[2]) : 600;
        var deadline = new Timer(_ => Environment.Exit(3), null, maxWait * 1000, Timeout.Infinite);
        Keep.Add(deadline);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var started = new CountdownEvent(threads);
        for (int i = 0; i < threads; i++)
        {
            var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            Socket accepted = listener.AcceptSocket();
            Keep.Add(client);
            Keep.Add(accepted);
            var thread = new Thread(new RequestWorker(accepted, started).Serve);
            thread.IsBackground = true;
            thread.Start();
        }
        for (int i = 0; i < 2000; i++) Keep.Add(new byte[1024 + i]);
        for (int i = 0; i < 2000; i++) Keep.Add("coreview managed string " + i);
        started.Wait();
        // Signal() comes just before Receive(): give the last threads time to reach recv().
        Thread.Sleep(300);

        File.WriteAllText(ready + ".tmp", System.Diagnostics.Process.GetCurrentProcess().Id + "\n");
        File.Move(ready + ".tmp", ready);
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }
}
