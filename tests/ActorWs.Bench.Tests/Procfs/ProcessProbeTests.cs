using ActorWs.Bench.Procfs;
using Xunit;

namespace ActorWs.Bench.Tests.Procfs;

public class ProcessProbeTests
{
    private const string Status = """
        Name:	dotnet
        Umask:	0022
        State:	S (sleeping)
        VmPeak:	 3001234 kB
        VmHWM:	  190432 kB
        VmRSS:	  181212 kB
        RssAnon:	  120000 kB
        Threads:	23
        """;

    [Fact]
    public void Status_fields_are_read_in_kilobytes()
    {
        Assert.Equal(181_212, ProcessProbe.ParseStatusKilobytes(Status, "VmRSS"));
        Assert.Equal(190_432, ProcessProbe.ParseStatusKilobytes(Status, "VmHWM"));
    }

    [Fact]
    public void A_key_must_match_whole_up_to_its_colon()
    {
        // "Vm" is a prefix of several keys and "VmRS" of VmRSS: neither is a field of its own.
        Assert.Null(ProcessProbe.ParseStatusKilobytes(Status, "Vm"));
        Assert.Null(ProcessProbe.ParseStatusKilobytes(Status, "VmRS"));
        Assert.Null(ProcessProbe.ParseStatusKilobytes(Status, "VmSwap"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("VmRSS:\tlots kB")]
    [InlineData("VmRSS:\t-5 kB")]
    [InlineData("VmRSS:")]
    public void Missing_or_malformed_status_text_reads_as_null(string? text)
    {
        Assert.Null(ProcessProbe.ParseStatusKilobytes(text, "VmRSS"));
    }

    [Fact]
    public void Stat_cpu_time_is_utime_plus_stime_counted_after_the_last_parenthesis()
    {
        // The command name holds spaces and a ')' : fields must be counted from the last one.
        const string stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1234 0 0 0 750 125 0 0 20 0 23 0 100 3000000 45000";
        Assert.Equal(875, ProcessProbe.ParseStatCpuTicks(stat));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("4242 dotnet S 1 2 3")]
    [InlineData("4242 (dotnet) S 1 4242 4242 0 -1 4194560 1234 0 0 0 750")]
    [InlineData("4242 (dotnet) S 1 4242 4242 0 -1 4194560 1234 0 0 0 x 125")]
    public void Missing_or_malformed_stat_text_reads_as_null(string? text)
    {
        Assert.Null(ProcessProbe.ParseStatCpuTicks(text));
    }

    [Fact]
    public void Schedstat_gives_the_run_queue_wait_its_second_field()
    {
        Assert.Equal(57_337, ProcessProbe.ParseSchedstatWaitNanoseconds("529603 57337 1\n"));
        Assert.Null(ProcessProbe.ParseSchedstatWaitNanoseconds(null));
        Assert.Null(ProcessProbe.ParseSchedstatWaitNanoseconds("529603 57337"));
        Assert.Null(ProcessProbe.ParseSchedstatWaitNanoseconds("529603 -5 1"));
    }

    [Fact]
    public void The_run_queue_total_keeps_what_exited_threads_waited_and_counts_new_threads_from_their_start()
    {
        var tracker = new RunQueueWaitTracker();
        Assert.Null(tracker.Update(null));
        Assert.Equal(0, tracker.Update(new Dictionary<int, long> { [1] = 5_000_000_000, [2] = 1_000_000_000 }));
        Assert.Equal(1.0, tracker.Update(new Dictionary<int, long> { [1] = 5_500_000_000, [2] = 1_500_000_000 }));
        // Thread 2 exited (its 0.5 s stay counted); thread 3 started and waited 0.25 s; thread 1 waited 0.5 s more.
        Assert.Equal(1.75, tracker.Update(new Dictionary<int, long> { [1] = 6_000_000_000, [3] = 250_000_000 }));
        Assert.Equal(1.75, tracker.Update(null));
        // Thread id 1 reused by a new thread that has waited 0.1 s: less than before, so it counts from its start.
        Assert.Equal(1.85, tracker.Update(new Dictionary<int, long> { [1] = 100_000_000, [3] = 250_000_000 })!.Value, 9);
    }

    [Fact]
    public void This_process_can_be_read_from_proc()
    {
        var pid = Environment.ProcessId;
        Assert.True(ProcessProbe.ReadResidentBytes(pid) > 0);
        Assert.True(ProcessProbe.ReadPeakResidentBytes(pid) >= ProcessProbe.ReadResidentBytes(pid) / 2);
        Assert.NotNull(ProcessProbe.ReadCpuTime(pid));
        var waits = ProcessProbe.ReadRunQueueWaitByThread(pid);
        Assert.NotNull(waits);
        Assert.Contains(pid, waits.Keys); // the main thread's id is the process's
        Assert.All(waits.Values, w => Assert.True(w >= 0));
        Assert.Null(ProcessProbe.ReadRunQueueWaitByThread(int.MaxValue));
    }

    [Fact]
    public void Voluntary_context_switches_are_summed_over_the_threads_and_grow_when_one_sleeps()
    {
        var pid = Environment.ProcessId;
        var before = ProcessProbe.ReadVoluntaryContextSwitches(pid);
        Assert.NotNull(before);
        // The sum covers the threads alive when it is read: a thread that has exited takes its switches with it, and
        // other threads of the test host may exit between two reads. So the sleeper stays alive, sleeping (each sleep
        // gives the CPU up: a voluntary switch), until the sum has grown past the first reading, within a bound.
        bool stop = false;
        var sleeper = new Thread(() =>
        {
            while (!Volatile.Read(ref stop)) Thread.Sleep(1);
        });
        sleeper.Start();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long? during;
        while ((during = ProcessProbe.ReadVoluntaryContextSwitches(pid)) <= before && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Volatile.Write(ref stop, true);
        sleeper.Join();
        Assert.True(during > before, $"the sum stayed at {during} (first read {before}) while a thread slept for 10 s");
        Assert.Null(ProcessProbe.ReadVoluntaryContextSwitches(int.MaxValue));
    }

    [Fact]
    public void A_status_field_without_unit_reads_as_its_number()
    {
        Assert.Equal(1234, ProcessProbe.ParseStatusKilobytes("Name:\tdotnet\nvoluntary_ctxt_switches:\t1234\nnonvoluntary_ctxt_switches:\t5\n", "voluntary_ctxt_switches"));
    }
}
