"""All tables. ALL_MODELS is in foreign-key order (for create_tables and checks)."""
from office.models.approvals import (
    ApprovalAction,
    ApprovalAssignment,
    ApprovalCc,
    ApprovalFile,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTemplate,
    Delegation,
    LeaveAllowance,
    LeaveRecord,
)
from office.models.audit import AuditEvent
from office.models.calendar import CalendarDay, CalendarSettings
from office.models.feed import Attachment, Comment, Post, PostDepartment, PostLike, PostMention, PostRecipient
from office.models.inbox import ChannelSettings, Delivery, Notification
from office.models.inventory import Product
from office.models.live import LiveEvent
from office.models.mainlines import Activity, JoinRequest, Mainline, Member, Node, NodeDependency, Phase, PlanTemplate
from office.models.notices import Memo, Notice, NoticeConfirmation, NoticeDepartment
from office.models.orders import ImportBatch, Order, OrderEvent, OrderLine, RoutingRule, Shop
from office.models.people import ROLES, ApiToken, Department, User
from office.models.replies import CannedReply
from office.models.workorders import WorkOrder, WorkOrderDepartment, WorkOrderEvent, WorkOrderFile, WorkOrderWatcher

ALL_MODELS = (
    Department, User, AuditEvent,
    Post, PostDepartment, PostMention, PostRecipient, Comment, PostLike, Attachment,
    Notification, Delivery, ChannelSettings,
    Notice, NoticeDepartment, NoticeConfirmation, Memo, CannedReply,
    LiveEvent,
    Mainline, Phase, Member, JoinRequest, Node, NodeDependency, Activity, PlanTemplate,
    ApprovalTemplate, ApprovalRequest, ApprovalStep, ApprovalAssignment, ApprovalAction, ApprovalCc, Delegation,
    ApprovalFile, LeaveRecord, LeaveAllowance,
    ApiToken, Product, Shop, RoutingRule, Order, OrderLine, OrderEvent, ImportBatch,
    CalendarSettings, CalendarDay,
    WorkOrder, WorkOrderEvent, WorkOrderWatcher, WorkOrderDepartment, WorkOrderFile,
)

__all__ = [
    "ALL_MODELS", "ROLES", "Activity", "ApiToken", "ImportBatch", "Order", "OrderEvent", "OrderLine", "Product",
    "RoutingRule", "Shop", "ApprovalAction", "ApprovalAssignment", "ApprovalCc", "ApprovalFile",
    "ApprovalRequest", "ApprovalStep", "ApprovalTemplate", "Attachment", "AuditEvent", "CalendarDay",
    "CalendarSettings", "CannedReply", "ChannelSettings",
    "Comment", "Delegation", "Delivery", "Department", "JoinRequest", "LeaveAllowance", "LeaveRecord", "LiveEvent", "Mainline",
    "Member", "Memo", "Node", "NodeDependency", "Notice", "NoticeConfirmation", "NoticeDepartment", "Notification",
    "Phase", "PlanTemplate", "Post", "PostDepartment", "PostLike", "PostMention", "PostRecipient", "User",
    "WorkOrder", "WorkOrderDepartment", "WorkOrderEvent", "WorkOrderFile", "WorkOrderWatcher",
]
