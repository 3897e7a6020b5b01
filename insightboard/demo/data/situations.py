"""What customers keep telling the demo company, in their words: the sentences stories are made of.

A {slot} in a sentence is filled from `words.SLOTS`, the same word wherever it repeats.
"""

from dataclasses import dataclass

from stories.models import Channel, Kind, Sentiment


@dataclass(frozen=True)
class Situation:
    """Something customers keep telling us, in their words, with what else they said about it."""

    sentiment: Sentiment
    tags: tuple[str, ...]
    titles: tuple[str, ...]
    details: tuple[str, ...]
    channels: tuple[Channel, ...] = (
        Channel.CALL,
        Channel.EMAIL,
        Channel.SUPPORT_TICKET,
        Channel.CHAT,
        Channel.SOCIAL,
        Channel.REVIEW,
        Channel.SURVEY,
    )


INSIGHTS = (
    Situation(
        Sentiment.FRUSTRATION,
        ("cancellation", "support"),
        (
            "I rang to cancel my {plan} and had to turn down {n} offers before anyone closed it",
            "Cancelling my {plan} took {minutes} minutes because the agent kept offering discounts",
            "Why must I phone to cancel when I signed up for the {plan} online in two minutes?",
            "I only wanted to cancel my {plan}, not to be talked into a better deal",
        ),
        (
            "They were moving abroad and only wanted a final bill.",
            "Every offer came from a script, and saying no felt like an argument.",
            "They said they might have come back one day, but not after that call.",
            "By the third offer they just asked to speak to someone else.",
        ),
        (Channel.CALL, Channel.SUPPORT_TICKET, Channel.REVIEW, Channel.SOCIAL),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("billing", "pricing"),
        (
            "My bill went up by £{amount} and the first I heard of it was my bank statement",
            "I was charged twice for {month} and had to chase the refund myself",
            "Nobody told me the {plan} discount would end after {n} months",
            "The bill says £{amount} for extras and I cannot work out what they are",
        ),
        (
            "The price rise letter had gone to an old email address.",
            "They had to ring us {n} times before the second charge came back.",
            "They read the bill out to me line by line and neither of us could explain it.",
            "What upset them most was finding out from the bank, not from us.",
        ),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("delivery", "packaging"),
        (
            "The courier marked my {item} as delivered on {weekday} but it never arrived",
            "My {item} came in a box three sizes too big with nothing to stop it rattling",
            "The delivery window was 7am to 7pm, so I lost a whole day waiting in for a {item}",
            "My {item} was left on the doorstep in the rain while I was in",
        ),
        (
            "The tracking photo showed a door that was not theirs.",
            "They had taken the day off work for it.",
            "They asked why we could not give them a one-hour slot like the supermarket does.",
            "The box was soaked through by the time they found it.",
        ),
        (Channel.CALL, Channel.CHAT, Channel.SOCIAL, Channel.REVIEW, Channel.EMAIL),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("checkout", "website"),
        (
            "Checkout asked for my address {n} times and then said my card was declined",
            "The discount code from your email did not work at checkout, so I nearly gave up",
            "I could not pay with my company card because checkout only takes UK postcodes",
            "Checkout timed out while I went to find my card and emptied my basket",
        ),
        (
            "The card was fine: it worked on another site a minute later.",
            "They finished the order on the phone with us in the end.",
            "They said they would have bought two if checkout had been easier.",
        ),
        (Channel.CHAT, Channel.EMAIL, Channel.SUPPORT_TICKET, Channel.SURVEY),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("mobile-app", "account"),
        (
            "The app logs me out every time I switch to my banking app to approve a payment",
            "I can see my data allowance on the website but the app still shows last month's",
            "Since the last update the app asks me to sign in every single morning",
            "The app crashes when I try to download my {month} bill",
        ),
        (
            "They are on an older phone and cannot update the operating system.",
            "They have stopped using the app and ring us instead.",
            "Two reviews this week say the same thing.",
        ),
        (Channel.REVIEW, Channel.SUPPORT_TICKET, Channel.SOCIAL, Channel.CHAT),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("support", "hold-times"),
        (
            "I explained my {problem} to {n} different people before anyone could fix it",
            "I waited {minutes} minutes on hold just to be told to use the website",
            "The chat bot kept sending me the same help article about my {problem}",
            "Every time I ring about the {problem} I have to start again from the beginning",
        ),
        (
            "Nothing from the earlier calls was on their account notes.",
            "They had tried the website first; that is why they rang.",
            "They were calm about it, which somehow made it worse.",
            "They asked for one person who would own it until it was done.",
        ),
        (Channel.CALL, Channel.CHAT, Channel.SUPPORT_TICKET, Channel.REVIEW),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("account", "password-reset"),
        (
            "The password reset email took {minutes} minutes to arrive and the link had expired",
            "I am locked out of my account and the only way back in is a letter in the post",
            "The security questions ask for things I set up {years} years ago",
        ),
        (
            "They wanted to check their bill before a direct debit went out.",
            "They ended up calling, which took longer than the reset should have.",
        ),
        (Channel.CALL, Channel.SUPPORT_TICKET, Channel.CHAT),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("roaming", "billing"),
        (
            "I came back from {country} to a £{amount} roaming charge that nobody warned me about",
            "My phone said roaming was included in {country} but the bill says otherwise",
        ),
        (
            "A text on arrival would have changed everything for them.",
            "They had checked the website before travelling and it said they were covered.",
        ),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("onboarding", "sim-card"),
        (
            "My new SIM arrived but the activation page kept saying my number was not ready",
            "Moving my number across took {days} days and I had no signal for two of them",
            "The welcome email told me to set things up in an app I could not find",
        ),
        (
            "They run a small business from that phone and missed customer calls.",
            "The first week with us decides whether they stay, and this was it.",
        ),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("broadband", "coverage", "support"),
        (
            "My broadband drops every evening at {clock} and the engineer is {days} days away",
            "I have had no signal at home for {days} days and your coverage map says it is fine",
            "The router you sent blinks orange and the help page only covers the green light",
        ),
        (
            "They work from home and had to use their phone as a hotspot.",
            "Their neighbours are on another network and have no problem.",
        ),
        (Channel.CALL, Channel.SUPPORT_TICKET, Channel.SOCIAL, Channel.CHAT),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("contract", "cancellation"),
        (
            "I was told I could leave any time, then found a {n}-month minimum in the small print",
            "Leaving early would cost me £{amount} a month for the rest of the contract",
        ),
        (
            "Sales had said the opposite on the phone, and they remembered the name of the person.",
            "They are staying, but only because leaving costs too much.",
        ),
        (Channel.CALL, Channel.EMAIL, Channel.REVIEW),
    ),
    Situation(
        Sentiment.SUCCESS,
        ("refunds", "returns"),
        (
            "My refund landed {hours} hours after I posted the parcel back, before I even asked",
            "I sent back the {item} on {weekday} and had my money the next morning",
            "The returns label was in the box already, so sending it back took five minutes",
        ),
        (
            "They said they will buy from us again just because of that.",
            "They had expected to have to chase it for weeks, as they do elsewhere.",
            "They told us they had already recommended us to a friend.",
        ),
        (Channel.REVIEW, Channel.EMAIL, Channel.SURVEY, Channel.SOCIAL),
    ),
    Situation(
        Sentiment.SUCCESS,
        ("tariff", "pricing", "loyalty"),
        (
            "You emailed to say a cheaper plan would suit me better, and no company does that",
            "You moved me down to the £{amount} plan because I use so little data, unbelievable",
            "Your reminder that my deal was ending saved me £{amount} a month",
        ),
        (
            "They did not switch plans in the end, but they said they trust us more now.",
            "With us {years} years, and they said it was the first time they felt noticed.",
            "They said it felt like we were on their side for once.",
        ),
        (Channel.EMAIL, Channel.SURVEY, Channel.SOCIAL, Channel.CALL),
    ),
    Situation(
        Sentiment.SUCCESS,
        ("packaging", "sim-card", "onboarding"),
        (
            "The SIM came in a cheerful little envelope with steps even my dad could follow",
            "The note in the box said what to do first, so I was set up in {minutes} minutes",
            "Your welcome text told me the one thing I needed and nothing else",
        ),
        (
            "The envelope made them smile, which they never expected from a phone company.",
            "They kept the envelope on the fridge.",
        ),
        (Channel.SOCIAL, Channel.REVIEW, Channel.SURVEY),
    ),
    Situation(
        Sentiment.SUCCESS,
        ("support",),
        (
            "{agent} on the chat sorted my {problem} in one go and never made me repeat myself",
            "{agent} called me back exactly when they said they would, which I did not expect",
            "{agent} stayed on the line until my {problem} was properly fixed",
        ),
        (
            "They asked us to pass on a thank you.",
            "They said they had dreaded the call and it took ten minutes.",
            "Their last provider had taken {n} calls to fix the same thing.",
        ),
        (Channel.CALL, Channel.CHAT, Channel.SURVEY, Channel.EMAIL),
    ),
    Situation(
        Sentiment.SUCCESS,
        ("delivery",),
        (
            "My {item} arrived a day early and the driver sent a photo of where he left it",
            "The text with a one-hour delivery slot meant I did not have to take the day off",
        ),
        (
            "Small thing, they said, but it is the thing they remember.",
            "They compared us with a supermarket delivery, and we won.",
        ),
        (Channel.REVIEW, Channel.SURVEY, Channel.SOCIAL),
    ),
    Situation(
        Sentiment.SUCCESS,
        ("mobile-app",),
        (
            "Topping up in the app takes ten seconds now, it is the quickest thing on my phone",
            "The app told me I was close to my data limit before I went over it",
        ),
        (
            "They have stopped ringing us for balance checks.",
            "Three reviews this month mention the top-up screen.",
        ),
        (Channel.REVIEW, Channel.SURVEY, Channel.SOCIAL),
    ),
    Situation(
        Sentiment.SUCCESS,
        ("cancellation", "loyalty"),
        (
            "Cancelling my {plan} took two clicks and you said thank you, so I will be back",
            "You let me cancel without a single sales pitch, which is why I came back this year",
        ),
        (
            "They rejoined {n} months later on a bigger plan.",
            "They said leaving easily is what made them trust us.",
        ),
        (Channel.SURVEY, Channel.EMAIL, Channel.CALL),
    ),
    Situation(
        Sentiment.SUCCESS,
        ("accessibility", "website"),
        (
            "The bigger text option on the website means my mum can read her own bill now",
            "Your screen reader support is the only one that lets me pay my bill on my own",
        ),
        (
            "They said every other provider needs them to ring up.",
            "It is a small setting, but it gave them some independence back.",
        ),
        (Channel.EMAIL, Channel.SURVEY, Channel.CALL),
    ),
    Situation(
        Sentiment.SUCCESS,
        ("broadband", "notifications"),
        (
            "You texted me about the outage in my area before I had even noticed it",
            "The engineer turned up on time, explained what was wrong and tidied up afterwards",
        ),
        (
            "They had planned to ring in and did not need to.",
            "They said they had never had a text like that from a provider.",
        ),
        (Channel.SURVEY, Channel.SOCIAL, Channel.CALL),
    ),
    Situation(
        Sentiment.IDEA,
        ("cancellation", "contract"),
        (
            "Let me pause my {plan} for a month instead of making me cancel it",
            "A way to move my {plan} to my new flat without starting a new contract",
        ),
        (
            "They travel every summer and cancel every summer.",
            "They said they would stay for years if this existed.",
        ),
    ),
    Situation(
        Sentiment.IDEA,
        ("delivery", "notifications", "checkout"),
        (
            "Put the delivery slot in the order confirmation so I can plan my day",
            "Let me pick a parcel locker at checkout instead of a home address",
        ),
        (
            "They are at work all day and the nearest depot is {days} miles away.",
            "Other shops they use already do it.",
        ),
    ),
    Situation(
        Sentiment.IDEA,
        ("billing", "pricing", "notifications"),
        (
            "Show me what changed on my bill in one line at the top",
            "Send me a reminder a week before my discount ends so it is not a surprise",
            "Tell me once a year if I have been paying for data I never use",
        ),
        (
            "They said it would save them a call every month.",
            "They asked why the bill is four pages when they only read the total.",
        ),
    ),
    Situation(
        Sentiment.IDEA,
        ("tariff", "mobile-app"),
        (
            "Let me share my data allowance with my kids instead of buying extra bundles",
            "Let me see in the app which of my {n} lines uses the most data",
        ),
        (
            "They pay for {n} lines and still run out every month.",
            "They said they would move the whole family to us for it.",
        ),
    ),
    Situation(
        Sentiment.IDEA,
        ("broadband", "mobile-app", "support"),
        (
            "Show me in the app where my engineer is, like the food delivery apps do",
            "Let me book my engineer visit online instead of waiting on the phone",
        ),
        (
            "They had waited in all morning for a visit in the afternoon.",
            "Simple to say, they admitted, probably harder to build.",
        ),
    ),
    Situation(
        Sentiment.IDEA,
        ("returns", "roaming", "notifications"),
        (
            "Give me a returns code for the post office, I do not own a printer",
            "A text when I land abroad saying what it will cost would beat any discount",
        ),
        (
            "They said this came up unprompted, twice.",
            "They would happily test it.",
        ),
    ),
)

# A colleague's own experience as a customer elsewhere: the empathy exercise.
EMPATHY = (
    Situation(
        Sentiment.SUCCESS,
        ("pricing", "loyalty"),
        (
            "My energy supplier wrote to say I was paying too much and moved me somewhere cheaper",
            "My bank refunded a scam payment within the hour from one message in their app",
            "The bike shop fixed my puncture while I waited and would not take any money",
            "The hotel remembered that I had asked for a quiet room last year",
            "The pharmacy texted me when my prescription was ready, so I did not queue for nothing",
            "My streaming service let me pause for {n} months with one click",
            "The garage rang to say the repair would cost £{amount} less than they had quoted",
            "The delivery driver carried my shopping up {n} flights of stairs without being asked",
        ),
        (
            "**What made it positive:** they did something for me before I had to ask.",
            "**Why it stood out:** I expected a fight and got a person who was on my side.",
            "**Would I stay:** yes, and I have already told {n} friends.",
            "**What it means for us:** we could tell customers when a cheaper plan suits them.",
        ),
        (Channel.IN_PERSON, Channel.OTHER),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("cancellation", "support"),
        (
            "My gym would only let me cancel by a letter sent in the post",
            "The airline chat sent me round in circles for {minutes} minutes over a typo",
            "My car insurance renewal was £{amount} a month more than the price for new customers",
            "The shop would not take back a jacket I had bought online, only by post",
            "My {kin}'s phone company charges £{amount} a month to send a paper bill",
            "The council website made me type my address {n} times to book a bin collection",
            "My broadband provider kept me on hold {minutes} minutes to change a direct debit date",
        ),
        (
            "**What made it negative:** the company made its problem my problem.",
            "**Why it stood out:** joining took two minutes, leaving took a week.",
            "**Would I stay:** no, I left as soon as I could.",
            "**What it means for us:** anything we make hard on purpose, customers remember.",
        ),
        (Channel.IN_PERSON, Channel.OTHER),
    ),
    Situation(
        Sentiment.IDEA,
        ("notifications", "broadband"),
        (
            "My dentist texts a one-tap link to move an appointment",
            "My local café texts me the moment my order is ready",
            "My vet sends a photo when the dog is ready to be collected",
            "My {kin}'s bank shows the next {n} bills on one screen",
            "The cinema app lets me swap seats up to {minutes} minutes before the film",
        ),
        (
            "**What made it positive:** one tap, no phone call.",
            "**What it means for us:** our customers wait for us far more than they should.",
            "**What we could do:** a one-tap link to move an engineer visit.",
            "**What we could do:** a text the moment a repair is done.",
        ),
        (Channel.IN_PERSON, Channel.OTHER),
    ),
)

# What leaders heard in their own conversations with customers: executive reports.
EXECUTIVE = (
    Situation(
        Sentiment.SUCCESS,
        ("billing", "loyalty"),
        (
            "The office manager at {org} told me ours is the one invoice she never has to query",
            "{org} nearly left over the {problem}, and stayed because {agent} picked up the phone",
        ),
        (
            "**What I heard:** reliability in the boring parts is what they pay for.",
            "**What it means:** the people who answer the phone are our best retention plan.",
            "**Action:** share this with the billing and support teams this week.",
        ),
        (Channel.CALL, Channel.IN_PERSON),
    ),
    Situation(
        Sentiment.FRUSTRATION,
        ("support", "billing", "contract"),
        (
            "I sat with the support team for an afternoon; half the calls were about the {problem}",
            "The finance lead at {org} wants one bill for all {n} of their sites, not {n} bills",
            "{org} is reviewing all suppliers and we are the one they find hardest to deal with",
        ),
        (
            "**What I heard:** customers are doing work that we should be doing.",
            "**What it means:** every extra call costs us money and costs them patience.",
            "**Action:** Product to size a fix before the next planning round.",
        ),
        (Channel.CALL, Channel.IN_PERSON),
    ),
)

# Customers rarely say just the one sentence: what comes before and after makes each quote theirs.
OPENERS = {
    Sentiment.FRUSTRATION: (
        "Honestly, ",
        "Third time now: ",
        "Not a big deal, but ",
        "Just so you know, ",
        "Sorry to moan, but ",
        "Same as {relative}: ",
        "After {years} years with you, ",
    ),
    Sentiment.SUCCESS: (
        "Honestly, ",
        "To be fair, ",
        "Quick thank you: ",
        "Credit where it is due: ",
        "I never write these, but ",
        "Same for {relative}: ",
        "After {years} years with you, ",
    ),
    Sentiment.IDEA: (
        "Just an idea: ",
        "Small thing, but ",
        "If you are listening: ",
        "One wish: ",
        "After {years} years with you, one wish: ",
    ),
}
ENDINGS = {
    Sentiment.FRUSTRATION: (
        ", and nobody could tell me why",
        ", and I am close to leaving",
        ", and I had to ring back {n} times",
        " after {years} years as a customer",
        ", which is not how I expect to be treated",
        ", and {relative} had the same last {weekday}",
        ", the {nth} time since {month}",
        ", and I pay you £{amount} a month",
        ", and nobody has written back since {weekday}",
    ),
    Sentiment.SUCCESS: (
        ", and that is why I stay",
        ", and I have told {relative} about you",
        " after {years} years as a customer",
        ", so thank you",
        ", and {relative} could not believe it",
        ", the best thing to happen since I joined in {month}",
        ", on a {weekday} too",
    ),
    Sentiment.IDEA: (
        ", it would save me a phone call",
        ", other providers already do it",
        ", I would pay a little more for that",
        ", and {relative} would use it too",
        ", I first asked for it back in {month}",
        ", I would ring you {n} times less a year",
    ),
}
# Colleagues and leaders frame their own stories differently from a customer's quote.
KIND_OPENERS = {
    Kind.EMPATHY: ("Last {weekday}, ", "Back in {month}, ", "This week, ", "On holiday, "),
    Kind.EXECUTIVE: ("On {weekday}, ", "At our {month} review, ", "Over coffee last week, "),
}
KIND_ENDINGS = {
    Kind.EMPATHY: (
        ", and I have been their customer for {years} years",
        ", and I told my {kin} all about it",
        ", and I still think about it {n} weeks later",
    ),
    Kind.EXECUTIVE: (
        ", and they have been with us {years} years",
        ", which matches what Sales heard in {month}",
        ", the {nth} customer this quarter to say so",
    ),
}
# Sometimes a second sentence, as people talk.
SECOND_SENTENCES = {
    Sentiment.FRUSTRATION: (
        "That was on {weekday}.",
        "I pay £{amount} a month for this.",
        "My {kin} says I should leave.",
        "It has happened {n} times now.",
        "I just want it sorted.",
        "Please do not make me ring again.",
        "My {kin} had the same in {month}.",
    ),
    Sentiment.SUCCESS: (
        "Thank you to whoever set that up.",
        "It made my {weekday}.",
        "My {kin} is thinking of joining now.",
        "Tell {agent} thanks from me.",
        "That is {years} years I have been with you, and this is why.",
    ),
    Sentiment.IDEA: (
        "Happy to test it.",
        "My {kin} asked for this too.",
        "{n} of my friends want the same.",
        "I have asked for it since {month}.",
    ),
}
AFTERWORDS = {
    Sentiment.FRUSTRATION: (
        "They stayed polite, but you could hear they had given up on us.",
        "I said I would pass it on, so here it is.",
        "Second one this week about the same thing.",
        "Worth a look before it turns into a complaint.",
    ),
    Sentiment.SUCCESS: (
        "Worth telling the team who built it.",
        "They asked me to pass on a thank you.",
        "Nice to hear one of these for a change.",
    ),
    Sentiment.IDEA: (
        "They said they would happily test it.",
        "Small change, but it came up without me asking.",
        "I have heard this one before.",
    ),
}

# How many colleagues hear a story too, and how often each count comes up.
REACTIONS = (0, 1, 2, 3, 4, 6)
REACTION_WEIGHTS = (40, 25, 15, 10, 7, 3)

# What a leader's conversations translate into, for the executive reports' own fields: each
# usable insight with the action it suggests, so a report reads as one thought.
REPORT_LESSONS = (
    (
        "Customers judge us on the first bill more than on the first month of service.",
        "Call every new customer whose first bill is higher than we quoted",
    ),
    (
        "Small businesses want one named person to call, not a queue that starts over each time.",
        "Give each business account a named contact in Support",
    ),
    (
        "People leave quietly when a fix takes longer than a week; they never tell us why.",
        "Show the expected fix time on every open fault",
    ),
    (
        "Our best customers recommend us for how we handle problems, not for the price.",
        "Ask three recommending customers to tell their story at the next all-hands",
    ),
    (
        "Schools and clinics plan a year ahead: a price change mid-term breaks their budget.",
        "Give public-sector accounts twelve months' notice of any price change",
    ),
    (
        "Engineers on site are our best salespeople; customers remember their names.",
        "Let field engineers log an insight from the van in under a minute",
    ),
    (
        "Moving home is when we lose people: the new address check takes three calls.",
        "Check a new address once, online, before the customer calls",
    ),
    (
        "Business customers read the outage page before they call; when it is late, they call.",
        "Update the outage page within ten minutes of a fault being confirmed",
    ),
)
